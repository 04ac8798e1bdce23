using System.Globalization;
using Xunit;
using Xunit.Abstractions;

namespace RnnStream.Host.Tests;

/// <summary>
/// The single-series figures of docs/RESULTS.md, by the commands given there, as the mean over seeds
/// 1, 2 and 3 (each run is the same on every machine, so only a change of the code moves them).
/// </summary>
public sealed class SingleSeriesResultsTests(ITestOutputHelper log) : IDisposable
{
    private static readonly int[] Seeds = [1, 2, 3];
    private readonly ScratchDirectory _scratch = new("single-series");

    public void Dispose() => _scratch.Dispose();

    /// <summary>Measured: 0.8243, 0.8246, 0.8264 (mean 0.825; before the auto keys 0.822); the goal of issue 4 is 0.84.</summary>
    [Fact]
    public async Task The_infant_heart_rate_one_step_ahead_beats_persistence_by_16_percent_or_more()
    {
        double mase = await MeanMase("infant", Path.Combine("data", "vitals", "infant_heart_rate_16s.csv"),
            "feed.timestamp-column=t_seconds", "feed.features=[heart_rate_bpm]", "feed.fixed-series-id=infant", "model.cell=gru", "series.target=change",
            "training.every-ticks=128", "training.min-windows=8", "metrics.score-from=615", "series.ridge-lags=20");
        Assert.True(mase <= 0.84, $"infant heart rate: mean MASE {mase:F4} above 0.84");
    }

    /// <summary>
    /// Measured: 0.8932, 0.8921, 0.8919 (mean 0.8924; before the auto keys 0.8988). The goal of issue 4
    /// is 0.90: the test is here to say when a change of the code gives it up.
    /// </summary>
    [Fact]
    public async Task The_NAB_machine_temperature_one_step_ahead_beats_persistence_by_10_percent_or_more()
    {
        double mase = await MeanMase("mt", Path.Combine("data", "nab", "realKnownCause", "machine_temperature_system_failure.csv"),
            "feed.fixed-series-id=mt", "model.cell=gru", "series.target=change", "training.every-ticks=512", "training.min-windows=8",
            "metrics.score-from=6809", "series.ridge-lags=20");
        Assert.True(mase <= 0.90, $"machine temperature: mean MASE {mase:F4} above 0.90");
    }

    private async Task<double> MeanMase(string name, string input, params string[] settings)
    {
        var mases = new List<double>();
        foreach (int seed in Seeds)
        {
            string predictions = Path.Combine(_scratch.Path, $"{name}-{seed}.csv");
            var args = new List<string>
            {
                "run", "--input", Path.Combine(RepositoryPaths.Root, input), "--output", predictions, "--set", $"seed={seed}",
                "--set", $"output.quarantine={Path.Combine(_scratch.Path, $"{name}-{seed}.quarantine.jsonl")}",
            };
            foreach (var setting in settings) args.AddRange(["--set", setting]);
            var output = new StringWriter();
            Assert.Equal(0, await CommandLine.Build(output).Parse(args).InvokeAsync());
            var overall = File.ReadLines(Path.Combine(_scratch.Path, $"{name}-{seed}.metrics.csv")).Single(r => r.StartsWith("overall,", StringComparison.Ordinal)).Split(',');
            mases.Add(double.Parse(overall[6], CultureInfo.InvariantCulture));
        }
        log.WriteLine($"{name}: MASE per seed {string.Join(", ", mases.Select(m => m.ToString("F4", CultureInfo.InvariantCulture)))}, mean {mases.Average():F4}");
        return mases.Average();
    }
}
