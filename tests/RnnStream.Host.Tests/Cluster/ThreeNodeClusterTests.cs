using System.Diagnostics;
using System.Text.RegularExpressions;
using Xunit;
using Xunit.Abstractions;

namespace RnnStream.Host.Tests.Cluster;

/// <summary>
/// Three `rnnstream node` processes on 127.0.0.1 form a cluster: the key groups spread over all
/// three, every batch to a key group on another node crosses a real socket, retrains gather the
/// windows of every node and send each promoted version to every node, and the replay's
/// predictions equal a single-node `run` of the same deployment row for row, retrains included;
/// when the feed ends the whole cluster leaves and every node exits 0.
/// </summary>
public sealed partial class ThreeNodeClusterTests(ITestOutputHelper log) : IDisposable
{
    private readonly ScratchDirectory _scratch = new("cluster");

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public async Task A_replay_on_three_nodes_spreads_its_key_groups_and_writes_exactly_the_single_node_predictions()
    {
        string input = Path.Combine(_scratch.Path, "dow300.csv");
        File.WriteAllLines(input, File.ReadLines(Path.Combine(RepositoryPaths.Root, "data", "prices", "dow30_close_daily.csv")).Take(1 + 300));
        string clustered = Path.Combine(_scratch.Path, "cluster.csv"), single = Path.Combine(_scratch.Path, "single.csv");
        string[] common = ["--config", RepositoryPaths.Config("cluster.conf"), "--input", input, "--set", $"output.quarantine={Path.Combine(_scratch.Path, "q.jsonl")}",
            "--set", "training.batches=20"];

        int[] ports = [Loopback.FreePort(), Loopback.FreePort(), Loopback.FreePort()];
        string seed = $"127.0.0.1:{ports[0]}";
        // The same command on every node but its port: whichever the coordinator singleton lands on writes the outputs.
        var nodes = ports.Select(port => RnnstreamProcess.RunToEndAsync(RnnstreamProcess.StartInfo(
            ["node", .. common, "--output", clustered, "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--seed", seed, "--min-nodes", "3"]),
            TimeSpan.FromMinutes(3))).ToArray();
        var ended = await Task.WhenAll(nodes);
        for (int i = 0; i < ended.Length; i++)
        {
            log.WriteLine($"node {i + 1} (port {ports[i]}), exit {ended[i].Exit}:\n{ended[i].Errors}");
            Assert.True(ended[i].Exit == 0, $"node {i + 1} exited {ended[i].Exit}: {ended[i].Errors}");
        }

        var coordinators = ended.Where(node => (node.Output + node.Errors).Contains("run finished", StringComparison.Ordinal)).ToList();
        var coordinator = Assert.Single(coordinators);
        var placement = Placement().Match(coordinator.Output + coordinator.Errors);
        Assert.True(placement.Success, coordinator.Output + coordinator.Errors);
        var perNode = placement.Groups[1].Value.Split(", ").Select(entry => int.Parse(entry.Split(' ')[1])).ToList();
        Assert.Equal(3, perNode.Count);
        Assert.All(perNode, count => Assert.True(count >= 1, placement.Value));
        Assert.Equal(16, perNode.Sum());
        var promoted = Promoted().Match(coordinator.Output + coordinator.Errors);
        Assert.True(promoted.Success && int.Parse(promoted.Groups[1].Value) >= 2, coordinator.Output + coordinator.Errors);

        var alone = await RnnstreamProcess.RunToEndAsync(["run", .. common, "--output", single]);
        Assert.True(alone.Exit == 0, alone.Errors);
        var expected = File.ReadAllLines(single);
        Assert.Equal(1 + 300 * 30, expected.Length);
        Assert.Equal(expected.Order(StringComparer.Ordinal), File.ReadAllLines(clustered).Order(StringComparer.Ordinal));
    }

    [GeneratedRegex(@"key groups per node: (.+)")]
    private static partial Regex Placement();

    [GeneratedRegex(@"retrains: (\d+) promoted")]
    private static partial Regex Promoted();
}
