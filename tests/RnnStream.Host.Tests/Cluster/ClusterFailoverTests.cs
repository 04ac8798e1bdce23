using System.Globalization;
using System.Text.RegularExpressions;
using RnnStream.Actors.Diagnostics;
using Xunit;
using Xunit.Abstractions;

namespace RnnStream.Host.Tests.Cluster;

/// <summary>
/// Losing a node of a three-node cluster mid-replay, with real processes on 127.0.0.1, checkpoints
/// in a real PostgreSQL and retrains on. Each node is killed by SIGKILL (or stopped by SIGTERM) at a
/// deterministic point (<see cref="CrashPoints"/>), and each test asserts the point was hit. Whatever is lost, the
/// predictions file ends up equal to an uninterrupted single-node run's, row for row.
/// The oldest member coordinates the run; members that become up together are ordered by address,
/// so the node on the lowest port coordinates.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed partial class ClusterFailoverTests(ITestOutputHelper log, PostgresServer postgres) : IDisposable
{
    private readonly ScratchDirectory _scratch = new("failover");
    private ITestOutputHelper Log { get; } = log;

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public async Task A_node_killed_mid_replay_rolls_the_run_back_to_its_last_checkpoint_and_the_predictions_equal_the_uninterrupted_runs()
    {
        var cluster = await Cluster("kill_one");
        // The node on the highest port holds about a third of the key groups and does not coordinate; it dies on its 150th batch.
        var ended = await cluster.RunNodes(crashAt: (cluster.Ports.Max(), $"{CrashPoints.KeyGroupBatch}:150"));

        var killed = ended[Array.IndexOf(cluster.Ports, cluster.Ports.Max())];
        Assert.Contains($"crash point {CrashPoints.KeyGroupBatch}:150 reached", killed.Errors);
        Assert.DoesNotContain("coordinating", killed.Errors);
        var coordinator = ended[Array.IndexOf(cluster.Ports, cluster.Ports.Min())];
        Assert.True(coordinator.Exit == 0, coordinator.Errors);
        Assert.Contains(": stopping the stream to roll back to the last committed checkpoint", coordinator.Errors);
        // Usually to a committed checkpoint (11 to 21 in runs here); on a machine where the store lags far behind the stream, to the start.
        var rolledBack = RolledBack().Match(coordinator.Errors);
        Assert.True(rolledBack.Success || coordinator.Errors.Contains("starting again from the last commit", StringComparison.Ordinal), coordinator.Errors);
        Log.WriteLine(rolledBack.Success ? $"rolled back to checkpoint {rolledBack.Groups[1].Value}" : "rolled back to the start: nothing was committed yet");
        Assert.Contains("run finished", coordinator.Errors);

        Assert.Equal(await cluster.SingleNodePredictions(), File.ReadAllLines(cluster.Predictions).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_node_stopped_by_SIGTERM_mid_replay_hands_off_after_a_checkpoint_nothing_is_forecast_twice_and_the_predictions_equal_the_uninterrupted_runs()
    {
        var cluster = await Cluster("term_one");
        // As an operator's `kill -TERM`, at a known point: its 10th batch, early in the run. No checkpoint is due before the end, so the only one
        // to go on from is the one the leave asks for.
        var ended = await cluster.RunNodes(crashAt: (cluster.Ports.Max(), $"{CrashPoints.KeyGroupBatch}:10:term"), checkpointEvery: 1_000_000);

        var stopped = ended[Array.IndexOf(cluster.Ports, cluster.Ports.Max())];
        Assert.Contains($"crash point {CrashPoints.KeyGroupBatch}:10 reached: sending SIGTERM", stopped.Errors);
        Assert.True(stopped.Exit == 0, $"the node that left should exit 0, exited {stopped.Exit}: {stopped.Errors}");
        var handedOff = HandedOff().Match(stopped.Errors);
        Assert.True(handedOff.Success, stopped.Errors);
        var coordinator = ended[Array.IndexOf(cluster.Ports, cluster.Ports.Min())];
        Assert.True(coordinator.Exit == 0, coordinator.Errors);
        var drained = DrainedTo().Match(coordinator.Errors);
        Assert.True(drained.Success, coordinator.Errors);
        Assert.Equal(handedOff.Groups[1].Value, drained.Groups[1].Value);
        // Nothing rolled back: every prediction before the leave is in the checkpoint, and the run goes on from its cut.
        Assert.Equal("0", drained.Groups[2].Value);
        Assert.Contains($"going on from checkpoint {drained.Groups[1].Value}:", coordinator.Errors);
        Assert.DoesNotContain("roll back", coordinator.Errors);
        Assert.Contains("run finished", coordinator.Errors);

        Assert.Equal(await cluster.SingleNodePredictions(), File.ReadAllLines(cluster.Predictions).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task When_the_coordinating_node_is_stopped_by_SIGTERM_the_cluster_stops_at_a_checkpoint_and_a_restart_goes_on_from_it_to_exactly_the_uninterrupted_predictions()
    {
        var cluster = await Cluster("term_coordinator");
        var ended = await cluster.RunNodes(crashAt: (cluster.Ports.Min(), $"{CrashPoints.KeyGroupBatch}:10:term"), checkpointEvery: 1_000_000);

        int coordinating = Array.IndexOf(cluster.Ports, cluster.Ports.Min());
        var stopped = ended[coordinating];
        Assert.Contains($"crash point {CrashPoints.KeyGroupBatch}:10 reached: sending SIGTERM", stopped.Errors);
        Assert.True(stopped.Exit == 0, $"the node stopped by its operator should exit 0, exited {stopped.Exit}: {stopped.Errors}");
        var drained = DrainedTo().Match(stopped.Errors);
        Assert.True(drained.Success, stopped.Errors);
        Assert.Equal("0", drained.Groups[2].Value);
        Assert.Contains($"stopping: the run drained to checkpoint {drained.Groups[1].Value}, and the cluster stops with it", stopped.Errors);
        // The others did not finish the run, and say so; none of them took the stop for a lost coordinator.
        foreach (var survivor in ended.Where((_, i) => i != coordinating))
        {
            Assert.True(survivor.Exit == 1, $"a node whose run stopped unfinished should exit 1, exited {survivor.Exit}: {survivor.Errors}");
            Assert.DoesNotContain("was lost", survivor.Errors);
        }

        var restarted = await cluster.RunNodes(crashAt: null);
        Assert.All(restarted, node => Assert.True(node.Exit == 0, node.Errors));
        Assert.Contains($"resuming from checkpoint {drained.Groups[1].Value}:", restarted[coordinating].Errors);

        Assert.Equal(await cluster.SingleNodePredictions(), File.ReadAllLines(cluster.Predictions).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task When_the_coordinating_node_dies_the_others_stop_with_exit_1_and_a_restart_resumes_to_exactly_the_uninterrupted_predictions()
    {
        var cluster = await Cluster("kill_coordinator");
        // It dies right after its 5th commit (of about 30), with the stream running ahead of it.
        var ended = await cluster.RunNodes(crashAt: (cluster.Ports.Min(), $"{CrashPoints.CheckpointCommitted}:5"));

        int coordinating = Array.IndexOf(cluster.Ports, cluster.Ports.Min());
        var killed = ended[coordinating];
        Assert.Contains($"crash point {CrashPoints.CheckpointCommitted}:5 reached", killed.Errors);
        Assert.Contains("coordinating", killed.Errors);
        foreach (var survivor in ended.Where((_, i) => i != coordinating))
            Assert.True(survivor.Exit == 1, $"a survivor should exit 1 after the coordinator's loss, exited {survivor.Exit}: {survivor.Errors}");
        Assert.Contains(ended, node => node.Errors.Contains("the node that coordinated the run was lost; the cluster stops", StringComparison.Ordinal));

        var restarted = await cluster.RunNodes(crashAt: null);
        Assert.All(restarted, node => Assert.True(node.Exit == 0, node.Errors));
        var coordinator = restarted[Array.IndexOf(cluster.Ports, cluster.Ports.Min())];
        var resumed = Resumed().Match(coordinator.Errors);
        Assert.True(resumed.Success && int.Parse(resumed.Groups[1].Value, CultureInfo.InvariantCulture) >= 5, coordinator.Errors);

        Assert.Equal(await cluster.SingleNodePredictions(), File.ReadAllLines(cluster.Predictions).Order(StringComparer.Ordinal));
    }

    private async Task<ThreeNodes> Cluster(string name)
    {
        string input = Path.Combine(_scratch.Path, "dow300.csv");
        File.WriteAllLines(input, File.ReadLines(Path.Combine(RepositoryPaths.Root, "data", "prices", "dow30_close_daily.csv")).Take(1 + 300));
        string connection = await postgres.CreateDatabaseAsync(name);
        return new ThreeNodes(this, input, connection, [Loopback.FreePort(), Loopback.FreePort(), Loopback.FreePort()]);
    }

    /// <summary>The same deployment on three nodes (or one `run`): dow30's first 300 days, 4 retrains, a checkpoint every 300 ticks unless a test says otherwise.</summary>
    private sealed class ThreeNodes(ClusterFailoverTests test, string input, string connection, int[] ports)
    {
        public int[] Ports { get; } = ports;
        public string Predictions { get; } = Path.Combine(test._scratch.Path, "cluster.csv");

        private string[] Common => ["--config", RepositoryPaths.Config("cluster.conf"), "--input", input,
            "--set", $"output.quarantine={Path.Combine(test._scratch.Path, "q.jsonl")}", "--set", "training.batches=20"];

        /// <summary>Starts all three with the shared store and waits for all to end; the crash point, if any, is armed on one of them.</summary>
        public async Task<(int Exit, string Output, string Errors)[]> RunNodes((int Port, string Point)? crashAt, long checkpointEvery = 300)
        {
            string seed = $"127.0.0.1:{Ports.Min()}";
            var nodes = Ports.Select(port =>
            {
                var start = RnnstreamProcess.StartInfo(["node", .. Common, "--output", Predictions, "--data-dir", Path.Combine(test._scratch.Path, $"state-{port}"),
                    "--set", "persistence.provider=postgresql", "--set", $"persistence.connection-string={connection}",
                    "--set", $"persistence.checkpoint-every={checkpointEvery}", "--set", "persistence.checkpoint-interval=off",
                    "--port", port.ToString(CultureInfo.InvariantCulture), "--seed", seed, "--min-nodes", "3"]);
                if (crashAt is { } crash && crash.Port == port) start.Environment[CrashPoints.Variable] = crash.Point;
                return RnnstreamProcess.RunToEndAsync(start, TimeSpan.FromMinutes(3));
            }).ToArray();
            var ended = await Task.WhenAll(nodes);
            for (int i = 0; i < ended.Length; i++)
                test.Log.WriteLine($"node on port {Ports[i]}, exit {ended[i].Exit}:\n{ended[i].Errors}\nits log:\n{ended[i].Output[^Math.Min(ended[i].Output.Length, 4000)..]}");
            return ended;
        }

        public async Task<IEnumerable<string>> SingleNodePredictions()
        {
            string single = Path.Combine(test._scratch.Path, "single.csv");
            var alone = await RnnstreamProcess.RunToEndAsync(["run", .. Common, "--output", single]);
            Assert.True(alone.Exit == 0, alone.Errors);
            var rows = File.ReadAllLines(single);
            Assert.Equal(1 + 300 * 30, rows.Length);
            return rows.Order(StringComparer.Ordinal);
        }
    }

    [GeneratedRegex(@"the run drained to checkpoint (\d+), this node's key groups hand off")]
    private static partial Regex HandedOff();

    [GeneratedRegex(@"drained to checkpoint (\d+) in [\d.]+ s: [\d,]+ predictions, ([\d,]+) of them after its cut")]
    private static partial Regex DrainedTo();

    [GeneratedRegex(@"rolled back to checkpoint (\d+)")]
    private static partial Regex RolledBack();

    [GeneratedRegex(@"resuming from checkpoint (\d+)")]
    private static partial Regex Resumed();
}
