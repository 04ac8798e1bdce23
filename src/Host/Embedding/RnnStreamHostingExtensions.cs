using Akka.Hosting;
using RnnStream.Actors.Pipeline;

namespace RnnStream.Host.Embedding;

/// <summary>RnnStream inside another application's Generic Host, through Akka.Hosting.</summary>
public static class RnnStreamHostingExtensions
{
    /// <summary>
    /// Starts the deployment's pipeline when the actor system starts, fed and read through the
    /// <see cref="RnnStreamEndpoint"/> that <see cref="RnnStreamEndpoint.ConnectAsync"/> returns.
    /// Its predictions go to the endpoint's subscribers, not to the deployment's output files.
    /// </summary>
    public static AkkaConfigurationBuilder WithRnnStream(this AkkaConfigurationBuilder builder, RnnStreamDeployment deployment) =>
        builder
            .AddHocon(PipelineConfig.Config, HoconAddMode.Append)
            .WithActors((system, registry) => registry.Register<RnnStreamGateway>(system.ActorOf(RnnStreamGateway.Props(deployment), "rnnstream")));
}
