using RnnStream.Host.Configuration;

namespace RnnStream.Host.Embedding;

/// <summary>
/// A deployment for an application that embeds RnnStream: the same HOCON keys as a deployment file
/// (config/reference.conf lists them all), given as a file or as text, with `key=value` overrides.
/// </summary>
public sealed class RnnStreamDeployment
{
    private RnnStreamDeployment(Deployment deployment) => Deployment = deployment;

    internal Deployment Deployment { get; }

    public static RnnStreamDeployment FromFile(string path, params string[] overrides) =>
        new(new Deployment(DeploymentConfig.Load(path, overrides)));

    /// <param name="hocon">e.g. <c>rnnstream { feed { format = json, series-column = ticker, features = [close], targets = [close] } }</c>.</param>
    public static RnnStreamDeployment FromHocon(string hocon, params string[] overrides) =>
        new(new Deployment(DeploymentConfig.Parse(hocon, Directory.GetCurrentDirectory(), overrides)));
}
