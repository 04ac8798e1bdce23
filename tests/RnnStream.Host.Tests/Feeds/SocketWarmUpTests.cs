using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Xunit;
using Xunit.Abstractions;

namespace RnnStream.Host.Tests.Feeds;

/// <summary>
/// A socket feed with its keys at auto (config/live.conf): the run holds the first ticks, chooses
/// from them as a file feed chooses from its first rows, then forecasts every one of them; what
/// comes after them changes no choice; a data directory keeps the choices for its resumes, since a
/// socket's ticks cannot be read again. Real processes, a real socket.
/// </summary>
public sealed partial class SocketWarmUpTests(ITestOutputHelper log) : IDisposable
{
    private readonly ScratchDirectory _scratch = new("socket-warm-up");
    private static readonly string[] Tickers = ["AA", "BB"];
    private const int TicksADay = 48;

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public async Task The_first_ticks_are_held_chosen_from_then_forecast_and_what_comes_after_them_changes_no_choice()
    {
        const int Days = 10, WarmUp = 400;
        var daily = Bars(0, Days, minute => 100 + 5 * Math.Sin(2 * Math.PI * minute / (30.0 * TicksADay)), seed: 1);
        // The same warm-up, then a random walk with no daily cycle at all.
        var walk = new Random(2);
        double level = 100;
        var changed = daily.Take(WarmUp).Concat(Bars(WarmUp / Tickers.Length, Days - WarmUp / Tickers.Length / TicksADay, _ => level += walk.NextDouble() - 0.5, seed: 3)
            .Take(daily.Count - WarmUp)).ToList();
        Assert.Equal(daily.Count, changed.Count);

        var runs = new List<string>();
        foreach (var (name, lines) in new[] { ("daily", daily), ("changed", changed) })
        {
            string predictions = Path.Combine(_scratch.Path, $"{name}.jsonl");
            var run = await RunUntilForecast([.. Common(predictions), "--set", $"detection.warm-up-ticks={WarmUp}"], lines, lines.Count);
            Assert.Contains(run.Said, line => line.StartsWith($"holding the socket feed's first {WarmUp:N0} ticks", StringComparison.Ordinal));
            // Every tick is forecast, the held ones too, each once.
            Assert.Equal(lines.Count, File.ReadAllLines(predictions).Length);
            runs.Add(Detected(run.Said));
        }

        log.WriteLine(runs[0]);
        Assert.StartsWith($"detected from the first {WarmUp} ticks of the socket feed (2 series; detection.warm-up-ticks): time features on (every 30m, a daily cycle), seasonal lag 48", runs[0]);
        Assert.Equal(runs[0], runs[1]);
    }

    [Fact]
    public async Task A_warm_up_that_does_not_fill_ends_after_the_wait_and_a_resume_takes_the_choices_its_first_run_kept()
    {
        string predictions = Path.Combine(_scratch.Path, "predictions.jsonl"), state = Path.Combine(_scratch.Path, "state");
        var wave = (double minute) => 100 + 5 * Math.Sin(2 * Math.PI * minute / (30.0 * TicksADay));
        var firstDays = Bars(0, 3, wave, seed: 4);
        string[] args = [.. Common(predictions), "--data-dir", state, "--set", "detection.socket-wait=1s"];

        var first = await RunUntilForecast(args, firstDays, firstDays.Count);
        string chosen = Detected(first.Said);
        log.WriteLine(chosen);
        Assert.StartsWith($"detected from the first {firstDays.Count} ticks of the socket feed (2 series; all that came in 1 s after the first; detection.socket-wait): ", chosen);
        Assert.Contains("choice.window = ", File.ReadAllText(Path.Combine(state, "detection.conf")));

        var nextDay = Bars(3 * TicksADay, 1, wave, seed: 5);
        var resumed = await RunUntilForecast(args, nextDay, firstDays.Count + nextDay.Count);
        Assert.DoesNotContain(resumed.Said, line => line.StartsWith("holding the socket feed", StringComparison.Ordinal));
        Assert.Contains(first.Said, line => line.StartsWith("holding the socket feed", StringComparison.Ordinal));
        Assert.Equal(chosen.Replace("detection.socket-wait): ", "detection.socket-wait), as on this data directory's first run (detection.conf): "), Detected(resumed.Said));
        Assert.Equal(firstDays.Count + nextDay.Count, File.ReadAllLines(predictions).Length);
    }

    [Fact]
    public async Task Stopped_during_the_warm_up_the_run_exits_0_and_keeps_nothing()
    {
        string predictions = Path.Combine(_scratch.Path, "predictions.jsonl"), state = Path.Combine(_scratch.Path, "state");
        using var process = Process.Start(RnnstreamProcess.StartInfo([.. Common(predictions), "--data-dir", state]))!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        using var hang = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        try
        {
            await Loopback.ListeningPort(process.StandardError, hang.Token);
            await RnnstreamProcess.Terminate(process, hang.Token);
            string rest = await process.StandardError.ReadToEndAsync(hang.Token);
            await process.WaitForExitAsync(hang.Token);
            log.WriteLine(rest);
            Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}: {rest} {await stdout}");
            Assert.Contains("SIGTERM during the socket feed's warm-up: 0 ticks were held and none was forecast; nothing was kept", rest);
            Assert.False(File.Exists(Path.Combine(state, "detection.conf")));
            Assert.False(File.Exists(Path.Combine(state, "model.conf")));
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
    }

    [Fact]
    public async Task A_client_of_bad_lines_ends_the_hold_at_four_records_a_tick_wanted_and_nothing_it_sent_is_lost()
    {
        string predictions = Path.Combine(_scratch.Path, "predictions.jsonl");
        var bad = Enumerable.Range(0, 25).Select(i => $"not a tick {i}\n").ToList();
        var good = Bars(0, 1, _ => 100, seed: 6).Take(10).ToList();

        var run = await RunUntilForecast([.. Common(predictions), "--set", "detection.warm-up-ticks=5"], [.. bad, .. good], good.Count);

        Assert.StartsWith("detected from nothing: the first 20 records held no tick", Detected(run.Said));
        Assert.Equal(good.Count, File.ReadAllLines(predictions).Length);
        Assert.Equal(bad.Count, File.ReadAllLines($"{predictions}.quarantine").Length);
    }

    [Fact]
    public async Task A_socket_that_cannot_listen_stops_the_warm_up_with_the_reason_and_keeps_no_choice()
    {
        string predictions = Path.Combine(_scratch.Path, "predictions.jsonl"), state = Path.Combine(_scratch.Path, "state");
        var taken = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        taken.Start();
        try
        {
            int port = ((System.Net.IPEndPoint)taken.LocalEndpoint).Port;
            var (exit, _, errors) = await RnnstreamProcess.RunToEndAsync([.. Common(predictions), "--data-dir", state, "--set", $"feed.tcp.port={port}"]);
            log.WriteLine(errors);

            Assert.Equal(1, exit);
            Assert.Contains($"the run stopped during the socket feed's warm-up: the tcp feed cannot listen on 127.0.0.1:{port}", errors);
            Assert.False(File.Exists(Path.Combine(state, "detection.conf")));
        }
        finally
        {
            taken.Stop();
        }
    }

    private string[] Common(string predictions) =>
    [
        "run", "--config", RepositoryPaths.Config("live.conf"), "--set", "feed.tcp.port=0", "--set", "http.port=off", "--output", predictions,
        "--set", $"output.quarantine={predictions}.quarantine", "--set", "metrics.progress-every=10ms",
    ];

    /// <summary>The first line's account of the auto keys, as one line (the console wraps it at word breaks).</summary>
    private static string Detected(IEnumerable<string> said)
    {
        string first = Whitespace().Replace(string.Join(" ", said.SkipWhile(line => !line.StartsWith("rnnstream tcp", StringComparison.Ordinal))
            .TakeWhile(line => !line.StartsWith("ticks ", StringComparison.Ordinal) && !line.StartsWith("tcp feed listening", StringComparison.Ordinal))), " ");
        int at = first.IndexOf("detected from", StringComparison.Ordinal);
        Assert.True(at >= 0, $"no account of the auto keys in: {first}");
        return first[at..];
    }

    /// <summary>Half-hourly bars of both tickers from tick <paramref name="firstTick"/> of each, for <paramref name="days"/> days, around <paramref name="close"/> of the minute.</summary>
    private static List<string> Bars(int firstTick, int days, Func<double, double> close, int seed)
    {
        var noise = new Random(seed);
        return (from tick in Enumerable.Range(firstTick, days * TicksADay)
                from ticker in Tickers
                let minute = 30.0 * tick
                let value = (close(minute) + 0.3 * (noise.NextDouble() - 0.5)).ToString("0.####", CultureInfo.InvariantCulture)
                let time = new DateTime(2024, 1, 1).AddMinutes(minute).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)
                select $"{{\"timestamp\":\"{time}\",\"ticker\":\"{ticker}\",\"open\":{value},\"high\":{value},\"low\":{value},\"close\":{value}}}\n").ToList();
    }

    /// <summary>Starts the live run, sends the lines on one connection (kept open), waits until <paramref name="ticks"/> were forecast in all, and stops it with SIGTERM.</summary>
    /// <returns>What the run said on standard error up to that point.</returns>
    private async Task<(List<string> Said, string After)> RunUntilForecast(string[] args, List<string> lines, int ticks)
    {
        using var process = Process.Start(RnnstreamProcess.StartInfo(args))!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        using var hang = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        try
        {
            var said = new List<string>();
            int port = await Loopback.ListeningPort(process.StandardError, hang.Token, said);
            using var client = await Loopback.ConnectWhenListening(port, hang.Token);
            await client.GetStream().WriteAsync(Encoding.UTF8.GetBytes(string.Concat(lines)), hang.Token);
            while (await process.StandardError.ReadLineAsync(hang.Token) is { } line)
            {
                said.Add(line);
                if (RnnstreamProcess.ForecastTicks(line) >= ticks) break;
            }
            await RnnstreamProcess.Terminate(process, hang.Token);
            string rest = await process.StandardError.ReadToEndAsync(hang.Token);
            await process.WaitForExitAsync(hang.Token);
            foreach (string line in said.Where(line => !line.StartsWith("ticks ", StringComparison.Ordinal))) log.WriteLine(line);
            Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}: {rest} {await stdout}");
            return (said, rest);
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
