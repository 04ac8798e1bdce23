using System.Globalization;
using Xunit;

namespace RnnStream.Host.Tests.Persistence;

/// <summary>
/// A data directory's state resumed with another model (here a window of 32 where the state's series
/// hold 64 ticks) used to fail on every tick it was given, and the run still ended with exit 0 saying
/// the feed had been forecast to its end. It is now refused before anything is written, with the
/// difference named; the same keys as before resume it.
/// </summary>
public sealed class ChangedModelTests : IDisposable
{
    private readonly ScratchDirectory _scratch = new("changed-model");

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public async Task A_resume_with_a_changed_window_is_refused_naming_it_and_writes_nothing_while_the_same_keys_resume()
    {
        string input = Path.Combine(_scratch.Path, "sensor.csv");
        var noise = new Random(5);
        string Row(int t) => string.Create(CultureInfo.InvariantCulture,
            $"{new DateTime(2024, 1, 1).AddMinutes(5 * t):yyyy-MM-dd HH:mm:ss},{50 + 5 * Math.Sin(2 * Math.PI * t / 20) + noise.NextDouble():F3}");
        File.WriteAllLines(input, ["timestamp,value", .. Enumerable.Range(0, 600).Select(Row)]);
        string predictions = Path.Combine(_scratch.Path, "sensor.predictions.csv");
        string[] Run(params string[] keys) => ["run", "--input", input, "--data-dir", Path.Combine(_scratch.Path, "state"), "--output", predictions,
            "--set", "http.port=off", "--set", "series.window=64", .. keys.SelectMany(key => new[] { "--set", key })];

        var first = await RnnstreamProcess.RunToEndAsync(Run());
        Assert.True(first.Exit == 0, first.Errors);
        string kept = Path.Combine(_scratch.Path, "state", "model.conf");
        Assert.Contains("series.WindowLength = 64", File.ReadAllLines(kept));
        File.AppendAllLines(input, Enumerable.Range(600, 300).Select(Row));
        var written = File.ReadAllBytes(predictions);
        var keptBefore = File.ReadAllBytes(kept);

        var changed = await RnnstreamProcess.RunToEndAsync(Run("series.window=32"));
        Assert.Equal(2, changed.Exit);
        Assert.Contains($"the state in {Path.Combine(_scratch.Path, "state")} (model.conf) was made by another model than this run's: ", changed.Errors);
        Assert.Contains("series.WindowLength: this run 32, the state 64", changed.Errors);
        Assert.Contains("Resume it with the keys it was made with, or give another --data-dir to start again", changed.Errors);
        Assert.DoesNotContain("   at ", changed.Errors);
        Assert.Equal(written, File.ReadAllBytes(predictions));
        Assert.Equal(keptBefore, File.ReadAllBytes(kept));

        var same = await RnnstreamProcess.RunToEndAsync(Run());
        Assert.True(same.Exit == 0, same.Errors);
        Assert.Contains("resuming from checkpoint", same.Errors + same.Output);
        Assert.Equal(1 + 900, File.ReadLines(predictions).Count());
    }
}
