using System.Diagnostics;
using System.Text.RegularExpressions;
using Xunit;
using Xunit.Abstractions;

namespace RnnStream.Host.Tests.Persistence;

/// <summary>
/// `rnnstream run --data-dir` as a child process, killed with SIGKILL and restarted, against one
/// uninterrupted run with the same seed: the predictions file must hold the same rows, none lost
/// and none doubled, retrains included.
/// </summary>
public sealed partial class CrashRecoveryTests(ITestOutputHelper log) : IDisposable
{
    private readonly ScratchDirectory _scratch = new("crash");
    private string _output => _scratch.Path;

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public async Task A_run_killed_during_a_retrain_a_checkpoint_and_at_random_resumes_to_exactly_the_uninterrupted_predictions()
    {
        string input = Path.Combine(_output, "dow30-prefix.csv");
        File.WriteAllLines(input, File.ReadLines(Path.Combine(RepositoryPaths.Root, "data", "prices", "dow30_close_daily.csv")).Take(1 + 900));

        var clean = await Run(input, "clean.csv", dataDir: null, killWhen: null);
        Assert.Equal("finished", clean.Phase);

        // Each kill is followed by a restart on the same data directory; the last restart runs to the end.
        int randomTicks = 4_000 + new Random().Next(16_000);
        var kills = new (string Phase, Func<Progress, bool> When, bool Terminate)[]
        {
            ("during a retrain", p => p.Ticks >= 3_000 && p.Training, false),
            ("during a checkpoint write", p => p.Ticks >= 1_500 && p.Writing, false),
            ("by SIGTERM (drains, checkpoints, exits 0)", p => p.Ticks >= 2_000, true),
            ($"at a random point (tick {randomTicks:N0} or later)", p => p.Ticks >= randomTicks, false),
        };
        string dataDir = Path.Combine(_output, "state");
        var phases = new List<string>();
        foreach (var (phase, when, terminate) in kills)
        {
            var stopped = await Run(input, "crashed.csv", dataDir, when, terminate);
            phases.Add(stopped.Phase == "finished" ? $"{phase}: not reached before the run ended" : $"{stopped.Phase} {phase} at {stopped.Line}");
        }
        var resumed = await Run(input, "crashed.csv", dataDir, killWhen: null);
        Assert.Equal("finished", resumed.Phase);
        foreach (var phase in phases) log.WriteLine(phase);

        Assert.Contains(phases, p => p.StartsWith("killed", StringComparison.Ordinal));
        Assert.Contains(phases, p => p.StartsWith("terminated", StringComparison.Ordinal));
        var expected = File.ReadAllLines(Path.Combine(_output, "clean.csv"));
        var actual = File.ReadAllLines(Path.Combine(_output, "crashed.csv"));
        Assert.Equal(expected[0], actual[0]);
        Assert.Equal(30 * 900, expected.Length - 1);
        Assert.Equal(expected.Order(StringComparer.Ordinal), actual.Order(StringComparer.Ordinal));
        Assert.Contains(expected, row => !row.EndsWith(",0", StringComparison.Ordinal));

        // The per-series scores came back through the checkpoints as well.
        string[] PerSeries(string file) => File.ReadAllLines(Path.Combine(_output, file)).Where(r => !r.StartsWith("overall,", StringComparison.Ordinal)).ToArray();
        Assert.Equal(PerSeries("clean.metrics.csv"), PerSeries("crashed.metrics.csv"));
    }

    private sealed record Progress(long Ticks, bool Training, bool Writing);

    private sealed record Outcome(string Phase, string Line);

    /// <summary>
    /// Runs the deployment; at the first progress line that satisfies <paramref name="killWhen"/>
    /// kills it with SIGKILL, or with <paramref name="terminate"/> sends SIGTERM and expects a clean exit (code 0).
    /// </summary>
    private async Task<Outcome> Run(string input, string predictions, string? dataDir, Func<Progress, bool>? killWhen, bool terminate = false)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[]
        {
            Path.Combine(AppContext.BaseDirectory, "rnnstream.dll"), "run", "--config", RepositoryPaths.Config("prices.conf"),
            "--input", input, "--output", Path.Combine(_output, predictions), "--set", "training.every-event-time=30d",
            "--set", "training.batches=20", "--set", "persistence.checkpoint-every=1500", "--set", "metrics.progress-every=10ms",
        }) start.ArgumentList.Add(arg);
        if (dataDir is not null)
        {
            start.ArgumentList.Add("--data-dir");
            start.ArgumentList.Add(dataDir);
        }
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        string? lastLine = null;
        while (await process.StandardError.ReadLineAsync() is { } line)
        {
            lastLine = line;
            if (line.StartsWith("resuming", StringComparison.Ordinal)) log.WriteLine(line);
            if (killWhen is null || ProgressLine().Match(line) is not { Success: true } match) continue;
            var progress = new Progress(long.Parse(match.Groups[1].Value.Replace(",", ""), System.Globalization.CultureInfo.InvariantCulture),
                line.Contains("(training)", StringComparison.Ordinal), line.Contains("writing", StringComparison.Ordinal));
            if (!killWhen(progress)) continue;
            if (terminate)
            {
                using (var signal = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])) await signal.WaitForExitAsync();
                string rest = await process.StandardError.ReadToEndAsync();
                await process.WaitForExitAsync();
                Assert.True(process.ExitCode == 0, $"exit code {process.ExitCode} after SIGTERM: {rest}");
                Assert.Contains("SIGTERM: draining", rest);
                return new Outcome("terminated", line.Trim());
            }
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            return new Outcome("killed", line.Trim());
        }
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"exit code {process.ExitCode}: {await stdout} {lastLine}");
        return new Outcome("finished", lastLine ?? "");
    }

    [GeneratedRegex(@"^ticks ([\d,]+)")]
    private static partial Regex ProgressLine();
}
