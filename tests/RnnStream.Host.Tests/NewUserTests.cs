using System.Globalization;
using Spectre.Console;
using Xunit;
using Xunit.Abstractions;

namespace RnnStream.Host.Tests;

/// <summary>
/// What a new user meets first, as a process: where the rejects go, what a bad path or a text
/// column says, a finished data directory run again, and results that stay readable piped or in a
/// narrow terminal.
/// </summary>
public sealed class NewUserTests(ITestOutputHelper log) : IDisposable
{
    private readonly ScratchDirectory _scratch = new("new-user");

    public void Dispose() => _scratch.Dispose();

    /// <summary>A sensor file of one series by the second, with ISO times ending in Z; <paramref name="extra"/> lines after it.</summary>
    private string Input(string name, params string[] extra)
    {
        string path = Path.Combine(_scratch.Path, name);
        File.WriteAllLines(path, new[] { "time,sensor,value" }
            .Concat(Enumerable.Range(1, 120).Select(i => $"2024-01-01T00:{i / 60:00}:{i % 60:00}Z,a,{10 + Math.Sin(i / 5.0):0.###}")).Concat(extra));
        return path;
    }

    private static string[] Feed(string input) => ["--input", input, "--set", "feed.series-column=sensor", "--set", "feed.timestamp-column=time", "--set", "http.port=off"];

    private async Task<(int Exit, string Output, string Errors)> Rnnstream(params string[] args)
    {
        var ended = await RnnstreamProcess.RunToEndAsync(args, _scratch.Path);
        log.WriteLine($"exit {ended.Exit}\n{ended.Output}\n{ended.Errors}");
        return ended;
    }

    [Fact]
    public async Task The_rejects_go_beside_the_output_and_the_summary_says_where_and_times_stay_as_the_input_wrote_them()
    {
        string predictions = Path.Combine(_scratch.Path, "out", "p.csv");
        var (exit, output, _) = await Rnnstream(["run", .. Feed(Input("bad.csv", "2024-01-01T00:03:00Z,a,not-a-number")), "--output", predictions]);
        Assert.Equal(0, exit);
        string quarantine = Path.Combine(_scratch.Path, "out", "p.quarantine.jsonl");
        Assert.Contains($"quarantine: {quarantine} (1 line set aside)", output.ReplaceLineEndings(" ").Replace("  ", " ", StringComparison.Ordinal));
        Assert.Contains("NonNumeric", File.ReadAllText(quarantine));
        var rows = File.ReadAllLines(predictions);
        Assert.Equal("a,2024-01-01T00:00:01Z,,value", string.Join(',', rows[1].Split(',').Take(4)));
        Assert.Equal("2024-01-01T00:00:03Z", rows[2].Split(',')[2]);
    }

    [Fact]
    public async Task Eval_writes_where_its_output_says_with_metrics_and_weights_beside_and_says_so()
    {
        string predictions = Path.Combine(_scratch.Path, "eval", "e.csv");
        var (exit, output, _) = await Rnnstream(["eval", "--set", "feed.type=file", "--set", $"feed.path={Input("e.csv")}", "--set", "feed.series-column=sensor",
            "--set", "feed.timestamp-column=time", "--output", predictions]);
        Assert.Equal(0, exit);
        Assert.Equal(121, File.ReadAllLines(predictions).Length);
        Assert.True(File.Exists(Path.Combine(_scratch.Path, "eval", "e.metrics.csv")));
        Assert.True(File.Exists(Path.Combine(_scratch.Path, "eval", "e.weights.rnnw")));
        Assert.Contains($"predictions: {predictions}", output.ReplaceLineEndings(""));
    }

    [Fact]
    public async Task An_output_or_data_directory_that_cannot_be_is_one_line_and_exit_2_and_nothing_is_truncated()
    {
        string input = Input("in.csv");
        string existing = Path.Combine(_scratch.Path, "keep.csv");
        File.WriteAllText(existing, "earlier results\n");
        foreach (var (args, said) in new (string[] Args, string Said)[]
                 {
                     (["--output", Path.Combine(existing, "p.csv")], "is a file, not a directory"),
                     (["--output", "/proc/p.csv"], "cannot be written there"),
                     (["--output", _scratch.Path], "is a directory; give a file name"),
                     (["--output", Path.Combine(_scratch.Path, "ok.csv"), "--data-dir", existing], "is a file, not a directory"),
                 })
        {
            var (exit, output, errors) = await Rnnstream(["run", .. Feed(input), .. args]);
            Assert.Equal(2, exit);
            Assert.Contains(said, errors);
            Assert.Single(errors.Trim().Split('\n'));
            Assert.DoesNotContain("rnnstream in.csv", output + errors);
        }
        Assert.Equal("earlier results\n", File.ReadAllText(existing));
    }

    [Fact]
    public async Task A_text_column_taken_from_the_header_is_refused_naming_it_and_the_key_that_picks_the_features()
    {
        string input = Path.Combine(_scratch.Path, "labelled.csv");
        File.WriteAllLines(input, new[] { "time,sensor,value,label" }.Concat(Enumerable.Range(1, 50).Select(i => $"2024-01-01T00:00:{i:00}Z,a,{i},ok-{i}")));
        var (exit, _, errors) = await Rnnstream(["run", .. Feed(input), "--output", Path.Combine(_scratch.Path, "l.csv")]);
        Assert.Equal(2, exit);
        Assert.Contains("column 'label'", errors);
        Assert.Contains("feed.features=[value]", errors);

        var (fixedExit, output, _) = await Rnnstream(["run", .. Feed(input), "--set", "feed.features=[value]", "--output", Path.Combine(_scratch.Path, "l.csv")]);
        Assert.Equal(0, fixedExit);
        Assert.Contains("50 predictions", output);
    }

    [Fact]
    public async Task A_finished_data_directory_run_again_says_there_is_nothing_left_and_shows_no_empty_figures()
    {
        string input = Input("done.csv"), predictions = Path.Combine(_scratch.Path, "done-out.csv"), state = Path.Combine(_scratch.Path, "state");
        Assert.Equal(0, (await Rnnstream(["run", .. Feed(input), "--output", predictions, "--data-dir", state])).Exit);
        var (exit, output, errors) = await Rnnstream(["run", .. Feed(input), "--output", predictions, "--data-dir", state]);
        Assert.Equal(0, exit);
        Assert.Contains("nothing left to forecast", output);
        Assert.DoesNotContain("NaN", output + errors);
        Assert.Equal(121, File.ReadAllLines(predictions).Length);
    }

    [Fact]
    public async Task Piped_results_keep_every_cell_whole()
    {
        var (exit, output, _) = await Rnnstream(["run", .. Feed(Input("piped.csv")), "--output", Path.Combine(_scratch.Path, "piped-out.csv")]);
        Assert.Equal(0, exit);
        Assert.Contains("│ overall │", output);
        Assert.Contains("│ coverage │", output);
        Assert.DoesNotContain("…", output);
    }

    [Fact]
    public void A_table_too_wide_for_the_terminal_becomes_one_line_of_named_figures_per_row()
    {
        var text = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(text), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors });
        // The table needs 32 columns.
        console.Profile.Width = 28;
        var table = new Table().Title("scores");
        foreach (var column in new[] { "series", "scored", "coverage" }) table.AddColumn(column);
        table.AddRow("[bold]overall[/]", 1234.ToString("N0", CultureInfo.InvariantCulture), "93.2 %");
        Running.ResultsTable.Show(console, table);
        Assert.Equal("scores overall, scored 1,234, coverage 93.2 %", string.Join(' ', text.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)));
        Assert.DoesNotContain("│", text.ToString());

        var wide = new StringWriter();
        var wideConsole = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(wide), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors });
        wideConsole.Profile.Width = 40;
        Running.ResultsTable.Show(wideConsole, table);
        Assert.Contains("│ overall │ 1,234  │ 93.2 %   │", wide.ToString());
    }
}
