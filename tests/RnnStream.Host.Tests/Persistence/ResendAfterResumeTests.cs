using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Xunit;
using Xunit.Abstractions;

namespace RnnStream.Host.Tests.Persistence;

/// <summary>
/// Each series' clock survives a restart of a live (TCP) run: after a resume, ticks a client sends
/// again (its last ones before the stop, as clients do after a crash) are rejected as
/// TimestampNotIncreasing, exactly as they would have been without the restart, instead of being
/// forecast twice. Real processes, a real socket, a real data directory.
/// </summary>
public sealed class ResendAfterResumeTests(ITestOutputHelper log) : IDisposable
{
    private readonly ScratchDirectory _scratch = new("resend");

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public async Task Ticks_resent_after_a_resume_are_rejected_as_before_it_and_nothing_is_forecast_twice()
    {
        string predictions = Path.Combine(_scratch.Path, "predictions.jsonl"), state = Path.Combine(_scratch.Path, "state");

        await RunUntilStopped(predictions, state, "q1.jsonl", expectedTicks: 10, Ticks(0, 5));
        // The last two ticks again (one per series), then one new tick each.
        await RunUntilStopped(predictions, state, "q2.jsonl", expectedTicks: 12, Ticks(4, 6));

        var rejected = File.ReadAllLines(Path.Combine(_scratch.Path, "q2.jsonl")).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(2, rejected.Count);
        Assert.All(rejected, r => Assert.Equal("TimestampNotIncreasing", r.GetProperty("reason").GetString()));
        var rows = File.ReadAllLines(predictions).Select(l => JsonDocument.Parse(l).RootElement)
            .Select(r => $"{r.GetProperty("series").GetString()}@{r.GetProperty("timestamp").GetString()}").ToList();
        Assert.Equal(12, rows.Count);
        Assert.Equal(12, rows.Distinct().Count());
    }

    /// <summary>JSON lines for series A and B at minutes [first, end).</summary>
    private static string Ticks(int first, int end) => string.Concat(
        from minute in Enumerable.Range(first, end - first)
        from series in new[] { "A", "B" }
        let time = new DateTime(2024, 1, 1).AddMinutes(minute).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)
        select $"{{\"timestamp\":\"{time}\",\"ticker\":\"{series}\",\"open\":{10 + minute},\"high\":{11 + minute},\"low\":{9 + minute},\"close\":{10 + minute}}}\n");

    /// <summary>Starts the live run, sends the lines, waits until the run has forecast <paramref name="expectedTicks"/> in all, and stops it with SIGTERM (drain, checkpoint, exit 0).</summary>
    private async Task RunUntilStopped(string predictions, string state, string quarantine, int expectedTicks, string lines)
    {
        var start = RnnstreamProcess.StartInfo([
                     "run", "--config", RepositoryPaths.Config("live.conf"),
                     "--set", "feed.tcp.port=0", "--data-dir", state, "--output", predictions,
                     "--set", $"output.quarantine={Path.Combine(_scratch.Path, quarantine)}", "--set", "metrics.progress-every=10ms",
                     // The first run holds its 10 ticks to choose the auto keys from; the resume takes what it chose.
                     "--set", "detection.warm-up-ticks=10",
                 ]);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        using var hang = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        try
        {
            int port = await Loopback.ListeningPort(process.StandardError, hang.Token);
            using (var client = await Loopback.ConnectWhenListening(port, hang.Token))
                await client.GetStream().WriteAsync(Encoding.UTF8.GetBytes(lines), hang.Token);
            while (await process.StandardError.ReadLineAsync(hang.Token) is { } line)
                if (RnnstreamProcess.ForecastTicks(line) >= expectedTicks) break;
            await RnnstreamProcess.Terminate(process, hang.Token);
            string rest = await process.StandardError.ReadToEndAsync(hang.Token);
            await process.WaitForExitAsync(hang.Token);
            log.WriteLine(rest);
            Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}: {rest} {await stdout}");
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
    }

}
