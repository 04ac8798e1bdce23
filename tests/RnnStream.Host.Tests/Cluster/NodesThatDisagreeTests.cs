using System.Globalization;
using Xunit;
using Xunit.Abstractions;

namespace RnnStream.Host.Tests.Cluster;

/// <summary>
/// Two `rnnstream node` processes whose models differ (one started with another window): the
/// coordinator refuses to run, names the node and the setting, and both nodes exit 1 without a
/// prediction written, where the other node's key groups would have forecast with another model.
/// </summary>
public sealed class NodesThatDisagreeTests(ITestOutputHelper log) : IDisposable
{
    private readonly ScratchDirectory _scratch = new("disagree");

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public async Task A_node_with_another_model_is_named_and_the_run_does_not_start()
    {
        string input = Path.Combine(_scratch.Path, "dow100.csv");
        File.WriteAllLines(input, File.ReadLines(Path.Combine(RepositoryPaths.Root, "data", "prices", "dow30_close_daily.csv")).Take(1 + 100));
        string output = Path.Combine(_scratch.Path, "cluster.csv");
        int[] ports = [Loopback.FreePort(), Loopback.FreePort()];
        // Members that become up together are ordered by address: the lower port coordinates, the higher one differs.
        int coordinating = ports.Min(), differing = ports.Max();
        var nodes = ports.Select(port => RnnstreamProcess.RunToEndAsync(RnnstreamProcess.StartInfo(
            ["node", "--config", RepositoryPaths.Config("cluster.conf"), "--input", input, "--output", output,
                "--set", $"output.quarantine={Path.Combine(_scratch.Path, "q.jsonl")}", "--set", "http.port=off",
                .. port == differing ? (string[])["--set", "series.window=32"] : [],
                "--port", port.ToString(CultureInfo.InvariantCulture), "--seed", $"127.0.0.1:{coordinating}", "--min-nodes", "2"]),
            TimeSpan.FromMinutes(2))).ToArray();
        var ended = await Task.WhenAll(nodes);
        for (int i = 0; i < ended.Length; i++) log.WriteLine($"node on port {ports[i]}, exit {ended[i].Exit}:\n{ended[i].Errors}\n{ended[i].Output}");

        var coordinator = ended[Array.IndexOf(ports, coordinating)];
        string said = coordinator.Errors + coordinator.Output;
        Assert.Contains($"the run stopped: node akka.tcp://rnnstream@127.0.0.1:{differing} would run another model than this one", said);
        Assert.Contains("series.WindowLength: here 64, there 32", said);
        Assert.All(ended, node => Assert.Equal(1, node.Exit));
        Assert.False(File.Exists(output) && File.ReadLines(output).Skip(1).Any(), "no prediction may be written by a cluster whose nodes disagree");
    }
}
