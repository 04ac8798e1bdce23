using System.Text.RegularExpressions;
using Xunit;
using Xunit.Abstractions;

namespace RnnStream.Host.Tests;

/// <summary>
/// A replay whose retrains run beside the stream (training.takes-effect-after) forecasts the same
/// whatever the trainer's speed: each candidate takes effect at a fixed tick after its cut, and the
/// stream waits there if the trainer is late. Shown by a trainer slowed on purpose.
/// </summary>
public sealed partial class OverlappedReplayTests(ITestOutputHelper log) : IDisposable
{
    private readonly ScratchDirectory _scratch = new("overlapped");

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public async Task A_slowed_trainer_changes_no_prediction_and_the_candidates_take_effect_later_than_at_the_cut()
    {
        string input = Path.Combine(_scratch.Path, "dow300.csv");
        File.WriteAllLines(input, File.ReadLines(Path.Combine(RepositoryPaths.Root, "data", "prices", "dow30_close_daily.csv")).Take(1 + 300));

        var atSpeed = await Replay("fast", input, takesEffectAfter: 300, trainerDelay: null);
        var slowed = await Replay("slow", input, takesEffectAfter: 300, trainerDelay: 400);
        var atTheCut = await Replay("cut", input, takesEffectAfter: 0, trainerDelay: null);

        Assert.True(atSpeed.Promoted >= 2, $"only {atSpeed.Promoted} candidates promoted");
        Assert.Equal(atSpeed.Promoted, slowed.Promoted);
        Assert.Equal(atSpeed.Rows, slowed.Rows);
        // The same candidates put in use 300 ticks later than at their cut: a different, equally reproducible run.
        Assert.NotEqual(atSpeed.Rows, atTheCut.Rows);
    }

    private async Task<(string[] Rows, int Promoted)> Replay(string name, string input, int takesEffectAfter, int? trainerDelay)
    {
        string output = Path.Combine(_scratch.Path, $"{name}.csv");
        var start = RnnstreamProcess.StartInfo([
            "run", "--config", RepositoryPaths.Config("prices.conf"), "--input", input, "--output", output,
            "--set", $"output.quarantine={Path.Combine(_scratch.Path, $"{name}.jsonl")}", "--set", "training.batches=20",
            "--set", $"training.takes-effect-after={takesEffectAfter}"]);
        if (trainerDelay is { } delay) start.Environment[Actors.Diagnostics.TrainerDelay.Variable] = delay.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var (exit, text, progress) = await RnnstreamProcess.RunToEndAsync(start);
        Assert.True(exit == 0, progress);
        var promoted = Promoted().Match(text + progress);
        Assert.True(promoted.Success, text + progress);
        log.WriteLine($"{name}: {promoted.Value}");
        // Series interleave in the order their key groups answer; each series' own rows are in order.
        return (File.ReadAllLines(output).Order(StringComparer.Ordinal).ToArray(), int.Parse(promoted.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
    }

    [GeneratedRegex(@"retrains: (\d+) promoted")]
    private static partial Regex Promoted();
}
