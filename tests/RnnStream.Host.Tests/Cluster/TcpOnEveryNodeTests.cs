using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using RnnStream.Host.Tests.Feeds;
using Xunit;
using Xunit.Abstractions;

namespace RnnStream.Host.Tests.Cluster;

/// <summary>
/// A live socket feed on a two-node cluster: each node listens, and a client connected to the node
/// that does not coordinate the run is served as one connected to the coordinating node: its lines
/// are forecast by the key groups wherever they run, its predictions and its lines set aside come
/// back on its own connection, and once a checkpoint in PostgreSQL covers them it is told they are
/// safe (all of it before the end, if it closes only its sending side).
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed partial class TcpOnEveryNodeTests(ITestOutputHelper log, PostgresServer postgres) : IDisposable
{
    private readonly ScratchDirectory _scratch = new("tcp-every-node");

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public async Task A_client_of_either_node_gets_its_own_predictions_and_rejects_back_and_acks_for_every_line_once_a_checkpoint_covers_them_and_one_that_half_closes_reads_all()
    {
        string connection = await postgres.CreateDatabaseAsync("tcp_every_node");
        string output = Path.Combine(_scratch.Path, "p.jsonl");
        int[] ports = [Loopback.FreePort(), Loopback.FreePort()];
        var nodes = ports.Select(port => Node.Start(RnnstreamProcess.StartInfo([
            "node", "--config", RepositoryPaths.Config("live.conf"), "--set", "feed.tcp.port=0", "--set", "feed.tcp.predictions-back=on", "--set", "http.port=off",
            "--output", output, "--set", $"output.quarantine={Path.Combine(_scratch.Path, "q.jsonl")}",
            "--data-dir", Path.Combine(_scratch.Path, $"state-{port}"), "--set", "persistence.provider=postgresql", "--set", $"persistence.connection-string={connection}",
            "--set", "persistence.checkpoint-every=0", "--set", "persistence.checkpoint-interval=1s",
            "--port", port.ToString(CultureInfo.InvariantCulture), "--seed", $"127.0.0.1:{ports[0]}", "--min-nodes", "2"]))).ToList();
        using var hang = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            // Each node says where it listens; the one that does not coordinate says whose stream its lines join.
            var listening = await Task.WhenAll(nodes.Select(node => node.WaitFor(ListeningOn(), hang.Token)));
            int elsewhere = Array.FindIndex(listening, line => line.Groups[2].Value.Contains("join the stream of the coordinating node", StringComparison.Ordinal));
            Assert.True(elsewhere >= 0, string.Join("\n", listening.Select(line => line.Value)));
            int coordinating = 1 - elsewhere;
            int Port(int node) => int.Parse(listening[node].Groups[1].Value, CultureInfo.InvariantCulture);

            using var far = await Loopback.ConnectWhenListening(Port(elsewhere), hang.Token);
            using var near = await Loopback.ConnectWhenListening(Port(coordinating), hang.Token);
            const int Minutes = 40;
            // The far client's 11th line is not a record: it comes back to it as set aside, from the coordinating node's quarantine.
            var farLines = PriceLines.Lines(["FAR1", "FAR2"], Minutes).ToList();
            farLines.Insert(10, "not a record\n");
            await PriceLines.Send(far, farLines, hang.Token);
            await PriceLines.Send(near, PriceLines.Lines(["NEAR"], Minutes), hang.Token);

            var farBack = await ReadUntilAcked(far, farLines.Count, 1, hang.Token);
            var nearBack = await ReadUntilAcked(near, Minutes, 0, hang.Token);
            Assert.Equal(farLines.Count, farBack.Acked);
            Assert.Equal(Minutes, nearBack.Acked);
            foreach (var series in new[] { "FAR1", "FAR2" })
                Assert.Equal(Enumerable.Range(0, Minutes).Select(PriceLines.Time), farBack.Predictions.Where(p => p.GetProperty("series").GetString() == series).Select(p => p.GetProperty("timestamp").GetString()));
            Assert.Equal(2 * Minutes, farBack.Predictions.Count);
            var rejected = Assert.Single(farBack.Rejected);
            Assert.Equal(11, rejected.GetProperty("line").GetInt32());
            Assert.Equal("MalformedJson", rejected.GetProperty("reason").GetString());
            Assert.Equal(Enumerable.Range(0, Minutes).Select(PriceLines.Time), nearBack.Predictions.Select(p => p.GetProperty("timestamp").GetString()));
            Assert.All(nearBack.Predictions, p => Assert.Equal("NEAR", p.GetProperty("series").GetString()));
            Assert.Empty(nearBack.Rejected);

            // A client of either node that closes its sending side reads every reply and ack (those of the far node's client
            // the coordinating node sends across), then the end, though its last line was set aside after its last tick.
            foreach (var (node, series) in new[] { (elsewhere, "GONE1"), (coordinating, "GONE2") })
            {
                using var leaving = await Loopback.ConnectWhenListening(Port(node), hang.Token);
                var replies = await SendAllAndHalfClose(leaving, PriceLines.Lines([series], Minutes).Append($"{series},not,a,record\n"), hang.Token);
                Assert.Equal(Enumerable.Range(0, Minutes).Select(PriceLines.Time),
                    replies.Where(json => json.TryGetProperty("series", out _)).Select(json => json.GetProperty("timestamp").GetString()));
                Assert.Equal([Minutes + 1], replies.Where(json => json.TryGetProperty("rejected", out _)).Select(json => json.GetProperty("rejected").GetProperty("line").GetInt32()));
                Assert.Equal(Minutes + 1, replies.Where(json => json.TryGetProperty("acked", out _)).Max(json => json.GetProperty("acked").GetInt64()));
            }
        }
        finally
        {
            foreach (var node in nodes) node.Dispose();
            for (int i = 0; i < nodes.Count; i++) log.WriteLine($"node {i + 1} said:\n{nodes[i].Said}");
        }
    }

    /// <summary>Sends the lines, closes the sending side and reads every reply to the end of the connection.</summary>
    private static async Task<List<JsonElement>> SendAllAndHalfClose(TcpClient client, IEnumerable<string> lines, CancellationToken cancellation)
    {
        var stream = client.GetStream();
        await PriceLines.Send(client, lines, cancellation);
        client.Client.Shutdown(SocketShutdown.Send);
        // Well before the idle timeout (feed.tcp.idle-timeout, 60 s), which would end the connection too.
        using var answeredFirst = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        answeredFirst.CancelAfter(TimeSpan.FromSeconds(30));
        return (await new StreamReader(stream).ReadToEndAsync(answeredFirst.Token)).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonDocument.Parse(line).RootElement).ToList();
    }

    /// <summary>Reads replies until each of <paramref name="sent"/> lines is acked and has its prediction or, for <paramref name="rejects"/> of them, is set aside.</summary>
    private async Task<(List<JsonElement> Predictions, List<JsonElement> Rejected, long Acked)> ReadUntilAcked(TcpClient client, int sent, int rejects, CancellationToken cancellation)
    {
        var reader = new StreamReader(client.GetStream());
        var (predictions, rejected) = (new List<JsonElement>(), new List<JsonElement>());
        long acked = 0;
        while ((predictions.Count < sent - rejects || rejected.Count < rejects || acked < sent) && await reader.ReadLineAsync(cancellation) is { } line)
        {
            var json = JsonDocument.Parse(line).RootElement;
            if (json.TryGetProperty("acked", out var ack)) acked = ack.GetInt64();
            else if (json.TryGetProperty("rejected", out var set)) rejected.Add(set.Clone());
            else predictions.Add(json.Clone());
        }
        log.WriteLine($"{predictions.Count} predictions back, {rejected.Count} lines set aside, {acked} lines acked");
        return (predictions, rejected, acked);
    }

    [GeneratedRegex(@"tcp feed listening on [^\s]*:(\d+)(.*)")]
    private static partial Regex ListeningOn();

    /// <summary>A node process whose every line, on either output, can be waited for.</summary>
    private sealed class Node : IDisposable
    {
        private readonly Process _process;
        private readonly ConcurrentQueue<string> _said = new();
        private readonly SemaphoreSlim _newLine = new(0);

        private Node(Process process)
        {
            _process = process;
            process.OutputDataReceived += (_, e) => Heard(e.Data);
            process.ErrorDataReceived += (_, e) => Heard(e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
        }

        public static Node Start(ProcessStartInfo start) => new(Process.Start(start)!);

        public string Said => string.Join("\n", _said);

        private void Heard(string? line)
        {
            if (line is null) return;
            _said.Enqueue(line);
            _newLine.Release();
        }

        public async Task<Match> WaitFor(Regex pattern, CancellationToken cancellation)
        {
            while (true)
            {
                foreach (var line in _said)
                    if (pattern.Match(line) is { Success: true } match) return match;
                if (_process.HasExited) throw new InvalidOperationException($"the node exited {_process.ExitCode} before saying /{pattern}/:\n{Said}");
                await _newLine.WaitAsync(cancellation);
            }
        }

        public void Dispose()
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
            _process.Dispose();
        }
    }
}
