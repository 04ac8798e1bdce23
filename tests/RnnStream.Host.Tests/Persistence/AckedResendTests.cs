using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using Xunit;
using Xunit.Abstractions;

namespace RnnStream.Host.Tests.Persistence;

/// <summary>
/// What a socket client does about a crash of the service: it keeps its lines until a committed
/// checkpoint acks them, and after the service is killed and restarted it resends everything after
/// its last ack. The predictions file then holds exactly what an uninterrupted run wrote: nothing
/// lost, nothing forecast twice (lines the state already held are refused as not newer). Real
/// processes, a real socket, SIGKILL; the store on SQLite and on a real PostgreSQL server. And a
/// client that closes only its sending side still hears that all it sent is safe.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed partial class AckedResendTests(ITestOutputHelper log, PostgresServer postgres) : IDisposable
{
    private ITestOutputHelper Log { get; } = log;
    private string[] _store = [];
    private const int Minutes = 30, Series = 2, CrashAfterMinutes = 20;
    private readonly ScratchDirectory _scratch = new("acked");

    public void Dispose() => _scratch.Dispose();

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgresql")]
    public async Task A_client_that_resends_after_its_last_ack_gets_exactly_the_uninterrupted_runs_predictions_after_a_SIGKILL(string provider)
    {
        if (provider == "postgresql")
            _store = ["--set", "persistence.provider=postgresql", "--set", $"persistence.connection-string={await postgres.CreateDatabaseAsync("acked")}"];
        var lines = Lines();
        string uninterrupted = Path.Combine(_scratch.Path, "uninterrupted.jsonl");
        await using (var run = await LiveRun.Start(this, uninterrupted, Path.Combine(_scratch.Path, "state-u"), []))
        {
            await run.Send(lines);
            await run.WaitForTicks(lines.Count);
            await run.Stop();
        }

        string resumed = Path.Combine(_scratch.Path, "resumed.jsonl"), state = Path.Combine(_scratch.Path, "state-r");
        long acked;
        await using (var run = await LiveRun.Start(this, resumed, state, _store))
        {
            var sent = lines.Take(CrashAfterMinutes * Series).ToList();
            await run.Send(sent);
            acked = await run.WaitForAck(atLeast: sent.Count / 2);
            await run.WaitForTicks(sent.Count);
            run.Kill();
        }
        Log.WriteLine($"acked {acked} of {CrashAfterMinutes * Series} lines before the kill");
        Assert.InRange(acked, CrashAfterMinutes * Series / 2, CrashAfterMinutes * Series - 1);

        await using (var run = await LiveRun.Start(this, resumed, state, _store))
        {
            await run.Send(lines.Skip((int)acked).ToList());
            await run.WaitForTicks(lines.Count);
            await run.Stop();
        }

        // Checkpoints committed after the ack the client read are resent too: the state already has them, so they are refused, not forecast again.
        var refused = File.ReadAllLines($"{resumed}.quarantine");
        Assert.All(refused, r => Assert.Contains("\"reason\":\"TimestampNotIncreasing\"", r));
        Assert.True(refused.Length < CrashAfterMinutes * Series - acked, $"{refused.Length} refused");

        var expected = File.ReadAllLines(uninterrupted).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(lines.Count, expected.Count);
        Assert.Equal(expected, File.ReadAllLines(resumed).Order(StringComparer.Ordinal).ToList());
    }

    /// <summary>
    /// A client that sends what it has and closes only its sending side (as <c>nc -N</c> does with a
    /// file) still reads the ack of its last line, a rejected one included, and then the end of the
    /// connection: it need not keep its socket open to learn that everything it sent is safe. With
    /// a checkpoint every 8 ticks, the last ack comes from the checkpoint a quiet feed gets after a
    /// second without lines; the connection would otherwise stay open for its idle timeout (60 s).
    /// </summary>
    [Fact]
    public async Task A_client_that_closes_its_sending_side_reads_the_ack_of_its_last_line_a_rejected_one_then_the_end()
    {
        var lines = Lines().Take(20 * Series).Append("{\"timestamp\":\"2024-01-01 00:20:00\",\"ticker\":\"A\",\"close\":\n").ToList();
        string predictions = Path.Combine(_scratch.Path, "half-closed.jsonl");
        // Its progress line once a second: nobody reads the run's standard error while the connection is read.
        await using var run = await LiveRun.Start(this, predictions, Path.Combine(_scratch.Path, "state-h"),
            ["--set", "persistence.checkpoint-interval=1s", "--set", "metrics.progress-every=1s"]);
        await run.SendAndCloseSending(lines);
        await run.WaitForTicks(lines.Count - 1);

        var read = await run.ReadUntilClosed(within: TimeSpan.FromSeconds(30));
        Assert.True(read.Count > 0 && read[^1] == $"{{\"acked\":{lines.Count}}}", $"read before the end: [{string.Join(", ", read)}]");
        await run.Stop();
        Assert.Contains("\"reason\":\"MalformedJson\"", Assert.Single(File.ReadAllLines($"{predictions}.quarantine")));
        Assert.Equal(lines.Count - 1, File.ReadAllLines(predictions).Length);
    }

    /// <summary>JSON lines for series A and B, a minute apart, with closes that wander so every state matters.</summary>
    private static List<string> Lines() => (
        from minute in Enumerable.Range(0, Minutes)
        from series in new[] { "A", "B" }
        let time = new DateTime(2024, 1, 1).AddMinutes(minute).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)
        let close = (10 + Math.Sin(minute * 0.7 + (series == "A" ? 0 : 1)) + minute * 0.05).ToString("0.####", CultureInfo.InvariantCulture)
        select $"{{\"timestamp\":\"{time}\",\"ticker\":\"{series}\",\"open\":{close},\"high\":{close},\"low\":{close},\"close\":{close}}}\n").ToList();

    /// <summary>One `rnnstream run` of config/live.conf on its own port, with one client connected, checkpointing every 8 ticks.</summary>
    private sealed partial class LiveRun : IAsyncDisposable
    {
        private readonly AckedResendTests _test;
        private readonly Process _process;
        private readonly TcpClient _client;
        private readonly StreamReader _acks;
        private readonly CancellationTokenSource _hang = new(TimeSpan.FromMinutes(1));

        /// <summary>What the run wrote to standard output (Akka's warnings and errors among it), for a failure's message.</summary>
        private System.Text.StringBuilder _output = new();

        /// <summary>What the run printed to standard error before it listened (where it resumed from), for a failure's message.</summary>
        private List<string> _said = [];

        private LiveRun(AckedResendTests test, Process process, TcpClient client)
        {
            _test = test;
            _process = process;
            _client = client;
            _acks = new StreamReader(client.GetStream());
        }

        /// <param name="settings">Arguments that choose the store (none: SQLite in the data directory) or set other keys; they override the ones here.</param>
        public static async Task<LiveRun> Start(AckedResendTests test, string predictions, string state, string[] settings)
        {
            var process = Process.Start(RnnstreamProcess.StartInfo([
                "run", "--config", RepositoryPaths.Config("live.conf"), "--set", "feed.tcp.port=0", "--data-dir", state, "--output", predictions,
                "--set", $"output.quarantine={predictions}.quarantine", "--set", "metrics.progress-every=10ms",
                "--set", "persistence.checkpoint-every=8", "--set", "persistence.checkpoint-interval=off",
                // Two key groups: a checkpoint every 8 ticks is then 3 snapshot writes, not 17, so commits keep up on a loaded machine.
                "--set", "router.partitions=2",
                // Both first runs hold the same first 24 lines and choose the same auto keys from them; the resume takes what its first run kept.
                "--set", "detection.warm-up-ticks=24", .. settings,
            ]))!;
            var output = new System.Text.StringBuilder();
            process.OutputDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
            process.BeginOutputReadLine();
            using var connecting = new CancellationTokenSource(TimeSpan.FromMinutes(1));
            var said = new List<string>();
            int port = await Loopback.ListeningPort(process.StandardError, connecting.Token, said);
            foreach (string line in said) test.Log.WriteLine(line);
            return new LiveRun(test, process, await Loopback.ConnectWhenListening(port, connecting.Token)) { _output = output, _said = said };
        }

        public Task Send(IEnumerable<string> lines) => _client.GetStream().WriteAsync(Encoding.UTF8.GetBytes(string.Concat(lines)), _hang.Token).AsTask();

        /// <summary>Sends the lines, then closes the connection's sending side; it can still be read.</summary>
        public async Task SendAndCloseSending(IEnumerable<string> lines)
        {
            await Send(lines);
            _client.Client.Shutdown(SocketShutdown.Send);
        }

        /// <summary>Every line the service writes to the connection until it closes it; a timeout if it does not within <paramref name="within"/>.</summary>
        public async Task<List<string>> ReadUntilClosed(TimeSpan within)
        {
            var read = new List<string>();
            using var limit = new CancellationTokenSource(within);
            try
            {
                while (await _acks.ReadLineAsync(limit.Token) is { } line) read.Add(line);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"the connection was still open after {within.TotalSeconds:N0} s; read: [{string.Join(", ", read)}]; the run said: {await StderrSoFar()}");
            }
            return read;
        }

        /// <summary>Reads acks until one covers at least <paramref name="atLeast"/> lines; returns it.</summary>
        public async Task<long> WaitForAck(long atLeast)
        {
            var acks = new List<string>();
            try
            {
                while (await _acks.ReadLineAsync(_hang.Token) is { } line)
                {
                    acks.Add(line);
                    if (AckLine().Match(line) is { Success: true } ack && long.Parse(ack.Groups[1].Value, CultureInfo.InvariantCulture) is var acked && acked >= atLeast)
                        return acked;
                }
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"no ack of {atLeast} lines in time; acks read: [{string.Join(", ", acks)}]; the run said: {await StderrSoFar()}");
            }
            throw new InvalidOperationException("the connection closed before the ack");
        }

        /// <summary>What the run printed that nobody read yet, for a failure's message (at most a few seconds' worth).</summary>
        private async Task<string> StderrSoFar()
        {
            var lines = new List<string>();
            using var brief = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            try
            {
                while (await _process.StandardError.ReadLineAsync(brief.Token) is { } line) lines.Add(line);
            }
            catch (OperationCanceledException)
            {
            }
            return string.Join("\n", lines.TakeLast(20));
        }

        /// <summary>Waits until the progress line has counted <paramref name="ticks"/> in all (a resumed run counts on from its checkpoint).</summary>
        public async Task WaitForTicks(long ticks)
        {
            var seen = new List<string>();
            try
            {
                while (await _process.StandardError.ReadLineAsync(_hang.Token) is { } line)
                {
                    seen.Add(line);
                    if (RnnstreamProcess.ForecastTicks(line) >= ticks) return;
                }
            }
            catch (OperationCanceledException)
            {
                string logged;
                lock (_output) logged = _output.ToString();
                throw new TimeoutException($"the run did not reach {ticks} ticks in time; it said: {string.Join("\n", _said.Concat(seen).Where(l => !l.StartsWith("ticks", StringComparison.Ordinal)).Concat(seen.TakeLast(3)))}\nits log: {logged[^Math.Min(logged.Length, 3000)..]}");
            }
            throw new InvalidOperationException($"the run ended before {ticks} ticks: {string.Join("\n", seen.TakeLast(20))}");
        }

        /// <summary>SIGTERM: drain, checkpoint, exit 0.</summary>
        public async Task Stop()
        {
            await RnnstreamProcess.Terminate(_process, _hang.Token);
            string rest = await _process.StandardError.ReadToEndAsync(_hang.Token);
            await _process.WaitForExitAsync(_hang.Token);
            _test.Log.WriteLine(rest);
            Assert.True(_process.ExitCode == 0, $"exit {_process.ExitCode}: {rest}");
        }

        /// <summary>SIGKILL: no drain, no last checkpoint.</summary>
        public void Kill()
        {
            _process.Kill();
            _process.WaitForExit();
        }

        public ValueTask DisposeAsync()
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            _client.Dispose();
            _process.Dispose();
            _hang.Dispose();
            return ValueTask.CompletedTask;
        }

        [GeneratedRegex(@"^\{""acked"":(\d+)\}$")]
        private static partial Regex AckLine();
    }
}
