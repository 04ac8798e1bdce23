using System.Globalization;
using RnnStream.Feeds.Sinks;
using Xunit;
using Xunit.Abstractions;

namespace RnnStream.Host.Tests;

/// <summary>`rnnstream run` end to end, in process: the real feed, actors, trainer and sinks.</summary>
public sealed class RunCommandTests(ITestOutputHelper log) : IDisposable
{
    private readonly ScratchDirectory _scratch = new("run");
    private string _output => _scratch.Path;

    public void Dispose() => _scratch.Dispose();

    /// <summary>Runs the command in process; each run quarantines into its own file (one writer per file, and tests run side by side).</summary>
    private async Task<(int Exit, string Text)> Run(params string[] args)
    {
        var output = new StringWriter();
        if (!args.Any(a => a.StartsWith("output.quarantine", StringComparison.Ordinal)))
            args = [.. args, "--set", $"output.quarantine={Path.Combine(_output, $"quarantine-{Guid.NewGuid():N}.jsonl")}"];
        int exit = await CommandLine.Build(output).Parse(args).InvokeAsync();
        log.WriteLine(output.ToString());
        return (exit, output.ToString());
    }

    [Fact]
    public async Task The_dow30_replay_forecasts_every_close_no_worse_than_persistence_and_its_intervals_beat_persistences()
    {
        string predictions = Path.Combine(_output, "dow30.csv");
        var (exit, text) = await Run("run", "--config", RepositoryPaths.Config("prices.conf"), "--output", predictions, "--set", "training.batches=60");

        Assert.Equal(0, exit);
        var rows = File.ReadAllLines(predictions);
        Assert.Equal(PredictionFormats.CsvHeader, rows[0]);
        Assert.Equal(30 * 2529, rows.Length - 1);
        Assert.Equal(30, rows.Skip(1).Select(r => r.Split(',')[0]).Distinct().Count());

        var metrics = File.ReadAllLines(Path.Combine(_output, "dow30.metrics.csv"));
        var overall = metrics.Single(r => r.StartsWith("overall,", StringComparison.Ordinal)).Split(',');
        double mase = double.Parse(overall[6], CultureInfo.InvariantCulture), coverage = double.Parse(overall[7], CultureInfo.InvariantCulture);
        double intervals = double.Parse(overall[8], CultureInfo.InvariantCulture), naiveCoverage = double.Parse(overall[9], CultureInfo.InvariantCulture);
        log.WriteLine($"dow30 one-step: overall MASE {mase:F4}, 95% interval coverage {coverage:P1}; interval score vs persistence's interval {intervals:F3} (its coverage {naiveCoverage:P1})");
        // Daily closes are close to a random walk, which no model beats at one step: the per-stock choice keeps
        // every stock, and the whole, at or under persistence's error. What does beat persistence is the forecast's
        // interval: its width follows each stock's recent volatility, where persistence's textbook interval
        // (± z × RMS of all its past errors) is too wide in calm years and too narrow in turbulent ones.
        var stocks = metrics.Skip(1).Where(r => !r.StartsWith("overall,", StringComparison.Ordinal)).Select(r => r.Split(',')).ToList();
        Assert.InRange(mase, 0.9, 1.001);
        Assert.All(stocks, row => Assert.InRange(double.Parse(row[6], CultureInfo.InvariantCulture), 0.9, 1.001));
        Assert.InRange(coverage, 0.90, 0.97);
        Assert.True(intervals < 0.7, $"interval score vs persistence's {intervals:F3}");
        Assert.All(stocks, row => Assert.True(double.Parse(row[8], CultureInfo.InvariantCulture) < 0.95, $"{row[0]}: interval score vs persistence's {row[8]}"));
        Assert.True(coverage > naiveCoverage + 0.05, $"coverage {coverage:P1} vs persistence's interval {naiveCoverage:P1}");
        Assert.True(File.Exists(Path.Combine(_output, "dow30.weights.rnnw")));
        // Beside each stock's published score, the network's own: a score of its forecasts, not of the persistence that went out.
        var networkMases = stocks.Select(row => double.Parse(row[11], CultureInfo.InvariantCulture)).ToList();
        log.WriteLine($"dow30: the network's own MASE per stock {networkMases.Min():F3}-{networkMases.Max():F3}, overall {overall[11]}");
        Assert.All(networkMases, m => Assert.True(double.IsFinite(m) && m > 0, $"network MASE {m}"));
        Assert.Contains(stocks, row => row[11] != row[6]);
        Assert.Contains("network's MASE", text);
        Assert.Contains("failures 0", text);
        // Persistence is what gets published, so the figures above hold with a broken trainer too; this does not.
        var promoted = System.Text.RegularExpressions.Regex.Match(text, @"retrains: (\d+) promoted of (\d+)");
        Assert.True(promoted.Success && int.Parse(promoted.Groups[1].Value, CultureInfo.InvariantCulture) >= 5, $"dow30: {promoted.Value}");
    }

    /// <summary>
    /// The dow30 replay publishes persistence, so it passes with a broken network. This one fails with
    /// one: four noisy sines, the network's own forecast published, retrained every 1,000 ticks. Measured
    /// (seeds 1, 2, 3): MASE 0.219, 0.220, 0.228 and every retrain promoted (11 of 11); on the same sines
    /// with Gaussian noise the network without retrains (untrained) scores 0.857. The bound, 0.4, sits
    /// between with room either side.
    /// </summary>
    [Fact]
    public async Task A_replay_of_a_learnable_series_promotes_its_retrains_and_the_trained_network_beats_persistence()
    {
        string input = Path.Combine(_output, "sines.csv");
        var noise = new Random(1);
        File.WriteAllLines(input, new[] { "timestamp,series,value" }.Concat(
            from t in Enumerable.Range(0, 3000)
            from s in Enumerable.Range(0, 4)
            let value = 10 + 3 * Math.Sin(2 * Math.PI * t / (20 + 3 * s) + s) + 0.3 * (noise.NextDouble() - 0.5)
            select string.Create(CultureInfo.InvariantCulture, $"{1_700_000_000 + 60 * t},s{s},{value:F4}")));

        var mases = new List<double>();
        foreach (int seed in new[] { 1, 2, 3 })
        {
            string predictions = Path.Combine(_output, $"sines-{seed}.csv");
            var (exit, text) = await Run("run", "--input", input, "--output", predictions, "--set", $"seed={seed}", "--set", "feed.series-column=series",
                "--set", "feed.timestamp-format=seconds", "--set", "model.cell=gru", "--set", "model.layers=[16]", "--set", "series.forecaster=network",
                "--set", "series.target=change", "--set", "training.every-ticks=1000", "--set", "training.min-windows=8", "--set", "metrics.score-from=6000");
            Assert.Equal(0, exit);
            var promoted = System.Text.RegularExpressions.Regex.Match(text, @"retrains: (\d+) promoted of (\d+)");
            Assert.True(promoted.Success, text);
            Assert.True(int.Parse(promoted.Groups[1].Value, CultureInfo.InvariantCulture) >= 8, $"seed {seed}: {promoted.Value}");
            var overall = File.ReadLines(Path.Combine(_output, $"sines-{seed}.metrics.csv")).Single(r => r.StartsWith("overall,", StringComparison.Ordinal)).Split(',');
            mases.Add(double.Parse(overall[6], CultureInfo.InvariantCulture));
            // The network is what was published here, so its own score is the published one.
            Assert.Equal(overall[6], overall[11]);
        }
        log.WriteLine($"four noisy sines, the network published: MASE per seed {string.Join(", ", mases.Select(m => m.ToString("F3", CultureInfo.InvariantCulture)))}");
        Assert.True(mases.Average() < 0.4, $"mean MASE {mases.Average():F3}: the network did not learn the sines");
    }

    /// <summary>
    /// The synthetic ward of config/vitals.conf has what a model can learn and persistence cannot:
    /// readings return to each patient's set point, and the ward's rounds move every patient alike.
    /// The network learns it: its own forecasts beat persistence overall and on nearly every patient.
    /// </summary>
    [Fact]
    public async Task The_network_learns_the_synthetic_wards_shared_structure_and_beats_persistence()
    {
        string predictions = Path.Combine(_output, "vitals.csv");
        var (exit, _) = await Run("run", "--config", RepositoryPaths.Config("vitals.conf"), "--output", predictions);
        Assert.Equal(0, exit);
        var rows = File.ReadAllLines(Path.Combine(_output, "vitals.metrics.csv")).Skip(1).Select(r => r.Split(',')).ToList();
        var overall = rows.Single(r => r[0] == "overall");
        double published = double.Parse(overall[6], CultureInfo.InvariantCulture), network = double.Parse(overall[11], CultureInfo.InvariantCulture);
        var patients = rows.Where(r => r[0] != "overall").Select(r => double.Parse(r[11], CultureInfo.InvariantCulture)).ToList();
        log.WriteLine($"vitals: published MASE {published:F3}, the network's own {network:F3}; the network beats persistence on {patients.Count(m => m < 1)} of {patients.Count} patients");
        // Measured: published 0.944, the network's own 0.950, below 1 on 96 of 100 patients. Without the structure to learn it
        // scores about 1: with the readings returning to the set point over ten minutes instead of two, 0.98 to 1.00.
        Assert.True(network < 0.97, $"the network's own MASE {network:F3}");
        Assert.True(published < 0.97, $"published MASE {published:F3}");
        Assert.True(patients.Count(m => m < 1) >= 90, $"the network beats persistence on only {patients.Count(m => m < 1)} patients");
    }

    /// <summary>
    /// README's own example for a CSV of one's own (only its columns named): with no training key
    /// the run retrains on a schedule from the feed's length, says which on its first line, and the
    /// network earns its keep; with training.auto = off it says at the end why nothing changed.
    /// </summary>
    [Fact]
    public async Task A_replay_with_no_training_keys_retrains_on_a_schedule_from_the_feed_says_which_and_beats_persistence()
    {
        string input = Path.Combine(_output, "sine_long.csv");
        var noise = new Random(1);
        File.WriteAllLines(input, new[] { "time,sensor,value" }.Concat(
            from t in Enumerable.Range(0, 2000)
            from s in Enumerable.Range(0, 3)
            let value = 10 + 5 * Math.Sin(2 * Math.PI * t / 48 + s) + 2 * Math.Sin(2 * Math.PI * t / 13 + 2 * s) + 0.6 * (noise.NextDouble() - 0.5)
            select string.Create(CultureInfo.InvariantCulture, $"{60 * t},s{s},{value:F4}")));
        string[] args = ["run", "--input", input, "--set", "feed.series-column=sensor", "--set", "feed.timestamp-column=time", "--set", "model.horizon=3"];
        // Column 6 is the published forecast's MASE, column 11 the network's own (the ridge may be published, and it needs no retrain).
        double OverallMase(string predictions, int column = 6) => double.Parse(File.ReadLines(Path.ChangeExtension(predictions, ".metrics.csv"))
            .Single(r => r.StartsWith("overall,", StringComparison.Ordinal)).Split(',')[column], CultureInfo.InvariantCulture);

        string auto = Path.Combine(_output, "auto.csv");
        var (exit, text) = await Run([.. args, "--output", auto]);
        Assert.Equal(0, exit);
        Assert.Contains("retrain every 150 ticks (auto: 2.5% of the feed's 6,000 ticks; training.every-ticks or every-event-time sets it)", text);
        Assert.Contains("detected from the first 1,200 ticks (3 series; detection.warm-up-ticks)", text);
        var promoted = System.Text.RegularExpressions.Regex.Match(text, @"retrains: (\d+) promoted of (\d+)");
        Assert.True(promoted.Success && int.Parse(promoted.Groups[1].Value, CultureInfo.InvariantCulture) >= 2, text);
        Assert.DoesNotContain("no retrain in this run", text);
        double mase = OverallMase(auto), networkMase = OverallMase(auto, 11);
        log.WriteLine($"auto schedule: MASE {mase:F4}, the network's own {networkMase:F4}");
        Assert.True(mase < 0.3, $"MASE {mase:F4}: the auto-trained run did not beat persistence clearly");
        Assert.True(networkMase < 0.3, $"network's MASE {networkMase:F4}: the auto-trained network did not beat persistence clearly");

        string off = Path.Combine(_output, "off.csv");
        var (offExit, offText) = await Run([.. args, "--output", off, "--set", "training.auto=off"]);
        Assert.Equal(0, offExit);
        Assert.Contains("no retraining (training.auto = off and no training.every-* key)", offText);
        Assert.Contains("no retrain in this run: retraining is off", offText);
        Assert.True(OverallMase(off, 11) > 0.95, $"network's MASE {OverallMase(off, 11):F4} without a retrain");
    }

    /// <summary>
    /// A data directory made by another model (here an LSTM, or one made before the defaults became
    /// auto) is refused before anything runs, naming both models and the keys that make them.
    /// </summary>
    [Fact]
    public async Task A_data_directory_of_another_model_is_refused_naming_both_models_and_the_keys()
    {
        string input = Path.Combine(_output, "flat.csv");
        File.WriteAllLines(input, new[] { "timestamp,value" }.Concat(
            Enumerable.Range(0, 300).Select(t => string.Create(CultureInfo.InvariantCulture, $"{new DateTime(2024, 1, 1).AddMinutes(5 * t):yyyy-MM-dd HH:mm:ss},{50 + Math.Sin(t * 0.1):F3}"))));
        string state = Path.Combine(_output, "lstm-state");
        var (made, _) = await Run("run", "--input", input, "--data-dir", state, "--output", Path.Combine(_output, "lstm.csv"), "--set", "model.cell=lstm", "--set", "http.port=off");
        Assert.Equal(0, made);

        // As a process: the refusal goes to its standard error.
        var (exit, _, text) = await RnnstreamProcess.RunToEndAsync(["run", "--input", input, "--data-dir", state, "--output", Path.Combine(_output, "lstm.csv"), "--set", "http.port=off"]);

        Assert.Equal(2, exit);
        Assert.Contains("the data directory holds state of another model (2×LSTM(16,16) on 1 inputs", text);
        Assert.Contains("this deployment makes 2×GRU(16,16) on 1 inputs", text);
        Assert.Contains("model.cell", text);
    }

    /// <summary>
    /// The auto keys of a data directory are chosen once: a resumed run reads the same warm-up and
    /// counts the feed as its first run did, though the file has grown since, and a damaged record
    /// of that is refused, not guessed around.
    /// </summary>
    [Fact]
    public async Task A_resumed_run_on_a_grown_file_keeps_the_choices_its_first_run_made()
    {
        string input = Path.Combine(_output, "growing.csv");
        var noise = new Random(3);
        string Row(int t) => string.Create(CultureInfo.InvariantCulture,
            $"{new DateTime(2024, 1, 1).AddMinutes(5 * t):yyyy-MM-dd HH:mm:ss},{50 + 5 * Math.Sin(2 * Math.PI * t / 20) + noise.NextDouble():F3}");
        File.WriteAllLines(input, ["timestamp,value", .. Enumerable.Range(0, 1_000).Select(Row)]);
        string state = Path.Combine(_output, "growing-state"), predictions = Path.Combine(_output, "growing.csv.predictions.csv");
        string[] run = ["run", "--input", input, "--data-dir", state, "--output", predictions, "--set", "http.port=off"];

        var (first, firstText) = await Run(run);
        Assert.Equal(0, first);
        Assert.Contains("detected from the first 200 ticks", firstText);
        Assert.Contains("the feed's 1,000 ticks", firstText);
        Assert.Equal(["warm-up-ticks = 200", "feed-ticks = 1000"], File.ReadLines(Path.Combine(state, "detection.conf")).Where(l => !l.StartsWith('#')));

        File.AppendAllLines(input, Enumerable.Range(1_000, 2_000).Select(Row));
        var (resumed, resumedText) = await Run(run);
        Assert.Equal(0, resumed);
        Assert.Contains("resuming from checkpoint", resumedText);
        Assert.Contains("detected from the first 200 ticks", resumedText);
        Assert.Contains("as on this data directory's first run (detection.conf)", resumedText);
        Assert.Contains("the feed's 1,000 ticks", resumedText);
        Assert.Equal(1 + 3_000, File.ReadLines(predictions).Count());

        // A first run on the grown file chooses from more: what the kept basis held the resume back from.
        var (fresh, freshText) = await Run(["run", "--input", input, "--data-dir", Path.Combine(_output, "grown-state"), "--output", Path.Combine(_output, "grown.csv"), "--set", "http.port=off"]);
        Assert.Equal(0, fresh);
        Assert.Contains("detected from the first 600 ticks", freshText);
        Assert.Contains("the feed's 3,000 ticks", freshText);

        File.WriteAllText(Path.Combine(state, "detection.conf"), "warm-up-ticks = two hundred\nfeed-ticks = 1000\n");
        var (damaged, _, errors) = await RnnstreamProcess.RunToEndAsync(run);
        Assert.Equal(2, damaged);
        Assert.Contains("detection.conf' is damaged (no whole number of warm-up-ticks)", errors);
    }

    [Fact]
    public async Task A_replay_with_the_same_seed_writes_the_same_predictions()
    {
        string input = Path.Combine(_output, "two.csv");
        File.WriteAllLines(input, new[] { "timestamp,series,value" }.Concat(
            Enumerable.Range(0, 400).SelectMany(t => new[] { "a", "b" }.Select(s =>
                $"{new DateTime(2024, 1, 1).AddHours(t):yyyy-MM-dd HH:mm:ss},{s},{Math.Sin(t * 0.3 + s[0]) * 10 + 50:F3}"))));
        string[] common = ["run", "--input", input, "--set", "feed.series-column=series", "--set", "training.every-ticks=200", "--set", "training.batches=20",
            "--set", "model.cell=gru", "--set", "model.layers=[8]", "--set", "training.min-windows=4"];

        Assert.Equal(0, (await Run([.. common, "--output", Path.Combine(_output, "first.csv")])).Exit);
        Assert.Equal(0, (await Run([.. common, "--output", Path.Combine(_output, "second.csv")])).Exit);

        var first = File.ReadAllLines(Path.Combine(_output, "first.csv")).Order(StringComparer.Ordinal);
        var second = File.ReadAllLines(Path.Combine(_output, "second.csv")).Order(StringComparer.Ordinal);
        Assert.Equal(first, second);
        Assert.Contains(File.ReadAllLines(Path.Combine(_output, "first.csv")).Skip(1), row => row.Split(',')[7] != "0");
    }

    [Fact]
    public async Task A_missing_input_file_ends_with_a_clear_message_and_exit_code_2()
    {
        var (exit, _) = await Run("run", "--input", Path.Combine(_output, "nope.csv"));
        Assert.Equal(2, exit);
    }

    /// <summary>
    /// A candidate that would take effect only after the next retrain's cut leaves no room for a
    /// checkpoint in any interval: config/prices.conf (300 ticks after the cut) on a weekly schedule,
    /// which brings about 150 ticks of the 30 stocks, is refused before anything runs.
    /// </summary>
    [Fact]
    public async Task A_candidate_taking_effect_after_the_next_retrain_is_due_is_refused_with_the_interval_named()
    {
        var (exit, _, text) = await RnnstreamProcess.RunToEndAsync(["run", "--config", RepositoryPaths.Config("prices.conf"), "--output", Path.Combine(_output, "refused.csv"),
            "--set", "training.every-event-time=7d", "--set", "http.port=off"]);
        Assert.Equal(2, exit);
        Assert.Matches(@"training\.takes-effect-after = 300 is not shorter than the 1[0-9]{2} ticks a retrain interval brings here \(every 7\.00:00:00 of event time", text);
        Assert.False(File.Exists(Path.Combine(_output, "refused.csv")));
    }

    /// <summary>With or without a data directory, a full disk under the output ends the run with the file named.</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task An_output_that_fails_mid_run_stops_the_run_with_exit_code_1_and_names_the_file_and_why(bool withDataDirectory)
    {
        // /dev/full takes writes until the first flush, then answers "no space left on device".
        var error = new StringWriter();
        var standardError = Console.Error;
        Console.SetError(error);
        try
        {
            string[] dataDirectory = withDataDirectory ? ["--data-dir", Path.Combine(_output, "state")] : [];
            var (exit, _) = await Run(["run", "--config", RepositoryPaths.Config("prices.conf"), "--output", "/dev/full", "--set", "training.batches=5", .. dataDirectory]);
            Assert.Equal(1, exit);
        }
        finally
        {
            Console.SetError(standardError);
        }
        Assert.Contains("the run stopped", error.ToString());
        Assert.Contains("No space left on device : '/dev/full'", error.ToString());
    }

    [Fact]
    public async Task Summary_reads_the_model_from_a_deployment()
    {
        var (exit, text) = await Run("summary", "--config", RepositoryPaths.Config("prices.conf"));
        Assert.Equal(0, exit);
        Assert.Contains("gru_0 (GRU)", text);
        Assert.Contains($"Total params: {3 * 32 * (1 + 32 + 2) + 33:N0}", text);
    }
}

/// <summary>`rnnstream eval` on the start of the NYC taxi benchmark stream, through the live pipeline.</summary>
public sealed class EvalCommandTests(ITestOutputHelper log) : IDisposable
{
    private readonly ScratchDirectory _scratch = new("eval");
    private string _output => _scratch.Path;

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public async Task The_first_three_thousand_taxi_rows_beat_five_step_persistence_by_a_clear_margin_and_score_beside_HTM()
    {
        string prefix = Path.Combine(_output, "taxi-prefix.csv");
        File.WriteAllLines(prefix, File.ReadLines(Path.Combine(RepositoryPaths.Root, "data", "cui2016", "nyc_taxi.csv")).Take(3 + 3000));
        string htm = Path.Combine(_output, "htm-prefix.csv");
        File.WriteAllLines(htm, File.ReadLines(Path.Combine(RepositoryPaths.Root, "data", "cui2016", "prediction", "nyc_taxi_TM_pred.csv")).Take(3 + 3000));

        var output = new StringWriter();
        int exit = await CommandLine.Build(output).Parse([
            "eval", "--config", RepositoryPaths.Config("taxi.conf"), "--set", $"feed.path={prefix}", "--set", "output.predictions=", "--set", "output.quarantine=",
            "--set", "model.layers=[32]", "--set", "training.batches=40", "--set", "metrics.score-from=1003", "--compare", $"HTM={htm}",
            "--report", Path.Combine(_output, "report.csv"), "--plot-rows", "2500-2900", "--rolling-window", "48", "--http"]).InvokeAsync();
        log.WriteLine(output.ToString());

        Assert.Equal(0, exit);
        // Asked for, the replay serves the live service too (taxi.conf keeps the default: any free port).
        Assert.Matches(@"live service: http://127\.0\.0\.1:\d+/", output.ToString());
        var rows = File.ReadAllLines(Path.Combine(_output, "report.csv")).Skip(1).Select(r => r.Split(',')).ToDictionary(r => r[0]);
        double Mase(string model) => double.Parse(rows[model][6], CultureInfo.InvariantCulture);
        Assert.Equal(2000, int.Parse(rows["HTM"][1], CultureInfo.InvariantCulture));
        double ours = Mase("rnnstream"), theirs = Mase("HTM");
        log.WriteLine($"taxi rows 1,000-3,000, 5 steps ahead: MASE rnnstream {ours:F3}, HTM {theirs:F3}");
        Assert.True(ours < 0.5, $"MASE {ours:F3} should be under half of persistence's error");
        Assert.True(theirs > 0 && theirs < 1.5, "HTM's file should score with the same code");

        // The plots land beside the report: actual against predicted for exactly the rows asked for, and the rolling error.
        Assert.Contains("(401 points)", output.ToString());
        foreach (var plot in new[] { "nyc_taxi.actual-vs-predicted.png", "nyc_taxi.rolling-error.png" })
        {
            var bytes = File.ReadAllBytes(Path.Combine(_output, plot));
            Assert.True(bytes.Length > 10_000, $"{plot} is only {bytes.Length} bytes");
            Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, bytes[..4]);
        }
    }
}

/// <summary>The same replay in two separate processes: nothing random per process (hash seeds) may leak into results.</summary>
public sealed class ReproducibleAcrossProcessesTests : IDisposable
{
    private readonly ScratchDirectory _scratch = new("proc");
    private string _output => _scratch.Path;

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public async Task Two_processes_replaying_with_the_same_seed_write_the_same_predictions_retrains_included()
    {
        string input = Path.Combine(_output, "in.csv");
        File.WriteAllLines(input, new[] { "timestamp,series,value" }.Concat(
            Enumerable.Range(0, 300).SelectMany(t => new[] { "a", "b", "c" }.Select(s =>
                $"{new DateTime(2024, 1, 1).AddHours(t):yyyy-MM-dd HH:mm:ss},{s},{Math.Sin(t * 0.2 + s[0]) * 10 + 50:F3}"))));

        async Task<string[]> RunProcess(string name)
        {
            string predictions = Path.Combine(_output, name);
            var (exit, output, errors) = await RnnstreamProcess.RunToEndAsync(
            [
                "run", "--input", input, "--output", predictions,
                "--set", "feed.series-column=series", "--set", "training.every-ticks=150", "--set", "training.batches=15",
                "--set", "model.cell=lstm", "--set", "model.layers=[8]", "--set", "training.min-windows=4", "--set", "series.train-every=4",
                "--set", "series.forecaster=network", "--set", $"output.quarantine={Path.Combine(_output, $"quarantine-{Guid.NewGuid():N}.jsonl")}",
            ]);
            Assert.True(exit == 0, output + errors);
            return File.ReadAllLines(predictions).Order(StringComparer.Ordinal).ToArray();
        }

        var first = await RunProcess("first.csv");
        var second = await RunProcess("second.csv");
        Assert.Equal(first, second);
        Assert.Contains(first, row => row.Split(',')[7] is "3" or "2");
    }
}

/// <summary>What `run` exits with when its checkpoints failed: never 0.</summary>
public sealed class RunExitTests
{
    [Fact]
    public void A_run_whose_checkpoints_failed_exits_3_and_says_how_many_and_where_a_restart_resumes()
    {
        var checkpoints = new RnnStream.Actors.Persistence.CheckpointStats();
        for (int i = 1; i <= 4; i++) checkpoints.Started(i);
        checkpoints.Committed(1);
        checkpoints.Committed(2);
        // The third failed; the fourth was never answered (the store stopped answering).
        checkpoints.Failed(3);

        var (exit, warning) = Running.RunCommand.ExitFor(checkpoints);

        Assert.Equal(3, exit);
        Assert.Equal("the run finished, but 2 of 4 checkpoints were not committed (1 failed, 1 never answered by the store; see the log for why); a restart with this --data-dir resumes from checkpoint 2", warning);
        Assert.Equal((0, (string?)null), Running.RunCommand.ExitFor(new RnnStream.Actors.Persistence.CheckpointStats()));
        Assert.Equal((0, (string?)null), Running.RunCommand.ExitFor(null));
    }
}
