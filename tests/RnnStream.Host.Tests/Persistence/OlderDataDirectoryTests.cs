using Xunit;
using Xunit.Abstractions;

namespace RnnStream.Host.Tests.Persistence;

/// <summary>
/// A data directory written by any earlier release resumes with today's build: the checkpoint, the
/// series states, the journal and the scores in every format a release wrote (see the fixtures' README).
/// </summary>
public sealed class OlderDataDirectoryTests(ITestOutputHelper log) : IDisposable
{
    private readonly ScratchDirectory _scratch = new("older-data");

    public void Dispose() => _scratch.Dispose();

    [Theory]
    [InlineData("state2-cut1")]
    [InlineData("state3-cut1-skip")]
    [InlineData("state3-cut2-scores1")]
    [InlineData("state3-cut2-scores2")]
    [InlineData("state3-cut3-sealed")]
    [InlineData("state3-cut3-timed")]
    [InlineData("state3-cut3-hashed")]
    public async Task A_data_directory_of_an_earlier_release_resumes_where_it_stopped(string fixture)
    {
        var (state, predictions) = DataDirectoryFixture.CopyTo(fixture, _scratch.Path);
        var written = File.ReadAllLines(predictions);
        string input = Path.Combine(_scratch.Path, "dow120.csv");
        File.WriteAllLines(input, File.ReadLines(Path.Combine(RepositoryPaths.Root, "data", "prices", "dow30_close_daily.csv")).Take(1 + 120));

        var output = new StringWriter();
        int exit = await CommandLine.Build(output).Parse([
            "run", "--config", RepositoryPaths.Config("prices.conf"), "--input", input, "--output", predictions, "--data-dir", state,
            "--set", "training.every-event-time=30d", "--set", "training.batches=5", "--set", "training.min-windows=4",
            "--set", "persistence.checkpoint-every=600", "--set", $"output.quarantine={Path.Combine(_scratch.Path, "quarantine.jsonl")}"]).InvokeAsync();
        log.WriteLine(output.ToString());

        Assert.Equal(0, exit);
        Assert.Contains("failures 0", output.ToString());
        Assert.Contains("resuming from checkpoint 3", output.ToString());
        var rows = File.ReadAllLines(predictions);
        // What the earlier release committed stays as it was; the rest of the 120 days follows, once each.
        Assert.Equal(written, rows.Take(written.Length));
        Assert.Equal(1 + 30 * 120, rows.Length);
        Assert.Equal(30 * 120, rows.Skip(1).Select(r => string.Join(',', r.Split(',').Take(2))).Distinct().Count());
        // Rows go on in the columns of the file's own header (releases before the forecaster column had one fewer).
        Assert.All(rows, r => Assert.Equal(rows[0].Split(',').Length, r.Split(',').Length));
    }
}
