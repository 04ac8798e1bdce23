using System.Globalization;
using Xunit;
using Xunit.Abstractions;

namespace RnnStream.Host.Tests;

/// <summary>
/// docs/RESULTS.md's "out of the box" figures: `run --input FILE` with only the horizon, where
/// scoring starts, and the keys the file's layout needs; every other key at its default (auto).
/// Each figure is scored here from the predictions file and the data file alone, not from the
/// run's own metrics, and is the mean over seeds 1, 2 and 3.
/// </summary>
public sealed class OutOfTheBoxResultsTests(ITestOutputHelper log) : IDisposable
{
    private static readonly int[] Seeds = [1, 2, 3];
    private readonly ScratchDirectory _scratch = new("out-of-the-box");

    public void Dispose() => _scratch.Dispose();

    private static string Data(params string[] parts) => Path.Combine([RepositoryPaths.Root, "data", .. parts]);

    /// <summary>Measured: MAPE 0.0588 / 0.0605 / 0.0597, NRMSE 0.212 / 0.211 / 0.212 (the keys taxi.conf was tuned to by hand: 0.0616 / 0.209).</summary>
    [Fact]
    public async Task The_taxi_stream_five_steps_ahead_untuned_scores_MAPE_0_063_and_NRMSE_0_22_or_better()
    {
        var scores = await Scores("taxi", Data("cui2016", "nyc_taxi.csv"), "passenger_count", horizon: 5, scoreFromDataRow: 10_000,
            "feed.features=[passenger_count]", "feed.skip-rows=2", "model.horizon=5", "metrics.score-from=10003");
        Assert.True(scores.Average(s => s.Mape) <= 0.063, $"taxi: mean MAPE {scores.Average(s => s.Mape):F4} above 0.063");
        Assert.True(scores.Average(s => s.Nrmse) <= 0.22, $"taxi: mean NRMSE {scores.Average(s => s.Nrmse):F4} above 0.22");
    }

    /// <summary>Measured: MAPE 0.0651 / 0.0680 / 0.0643 (the hand-tuned keys: 0.0669 / 0.0700 / 0.0665).</summary>
    [Fact]
    public async Task The_perturbed_taxi_stream_untuned_adapts_to_MAPE_0_068_or_better()
    {
        var scores = await Scores("taxi-perturb", Data("cui2016", "nyc_taxi_perturb.csv"), "passenger_count", horizon: 5, scoreFromDataRow: 13_152,
            "feed.features=[passenger_count]", "feed.skip-rows=2", "model.horizon=5", "metrics.score-from=13155");
        Assert.True(scores.Average(s => s.Mape) <= 0.068, $"perturbed taxi: mean MAPE {scores.Average(s => s.Mape):F4} above 0.068");
    }

    /// <summary>Measured: MASE 0.8150 / 0.8186 / 0.8136 (RESULTS' recipe: 0.824 / 0.825 / 0.826).</summary>
    [Fact]
    public async Task The_infant_heart_rate_untuned_scores_MASE_0_82_or_better()
    {
        var scores = await Scores("infant", Data("vitals", "infant_heart_rate_16s.csv"), "heart_rate_bpm", horizon: 1, scoreFromDataRow: 614,
            "feed.timestamp-column=t_seconds", "feed.features=[heart_rate_bpm]", "metrics.score-from=615");
        Assert.True(scores.Average(s => s.Mase) <= 0.82, $"infant heart rate: mean MASE {scores.Average(s => s.Mase):F4} above 0.82");
    }

    /// <summary>
    /// Measured: MASE 0.8887 / 0.8826 / 0.8866 with the default two layers of 16 (one layer of 32:
    /// 0.8944 / 0.8914 / 0.8923, short of the goal).
    /// </summary>
    [Fact]
    public async Task The_NAB_machine_temperature_untuned_scores_MASE_0_89_or_better()
    {
        var scores = await Scores("mt", Data("nab", "realKnownCause", "machine_temperature_system_failure.csv"), "value", horizon: 1, scoreFromDataRow: 6_808,
            "metrics.score-from=6809");
        Assert.True(scores.Average(s => s.Mase) <= 0.89, $"machine temperature: mean MASE {scores.Average(s => s.Mase):F4} above 0.89");
    }

    /// <summary>
    /// Thirty daily closes: random walks, which no model forecasts better than persistence. What
    /// the test holds is that publishing the network where its running error is lower costs no
    /// stock more than a hair. Measured: every stock 1.00000 with each seed (persistence published
    /// throughout the scored years; with the choice's shorter memory of before, T scored 1.0004).
    /// </summary>
    [Fact]
    public async Task Every_dow30_stock_untuned_scores_no_worse_than_persistence()
    {
        string input = Data("prices", "dow30_close_daily.csv");
        var predictions = await RunSeeds(Seeds, "dow30", input, ["feed.format=wide", "feed.timestamp-column=date", "metrics.score-from=759"]);
        var stocks = File.ReadLines(input).First().Split(',').Skip(1).Select(c => c.Trim('"')).ToList();
        var mase = stocks.ToDictionary(stock => stock,
            stock => predictions.Average(path => Scored(input, stock, path, horizon: 1, scoreFromDataRow: 758, series: stock).Mase));
        var worst = mase.MaxBy(m => m.Value);
        log.WriteLine($"dow30: worst {worst.Key} {worst.Value:F5}; " + string.Join(", ", mase.Select(m => $"{m.Key} {m.Value:F5}")));
        Assert.Equal(30, mase.Count);
        Assert.True(worst.Value <= 1.00005, $"dow30: {worst.Key} scored MASE {worst.Value:F4} against persistence");
    }

    /// <summary>
    /// A 50 Hz pulse whose rate drifts (66 to 78 beats a minute) under a breathing wave, one step
    /// ahead: the warm-up finds its period (about 39 ticks) as the season, and the window and the
    /// retrain schedule follow it. Measured here (30,000 ticks): MASE 0.411 against 0.462 without the
    /// rhythm (a 64-tick window, no seasonal input); on 60,000 ticks 0.392 at 5,855 ticks/s against
    /// 0.456 at 11,480 ticks/s.
    /// </summary>
    [Fact]
    public async Task A_fast_waveform_gets_its_rhythm_as_the_season_and_forecasts_better_for_it()
    {
        string input = Path.Combine(_scratch.Path, "pulse.csv");
        var noise = new Random(1);
        double beat = 0, breath = 0;
        File.WriteAllLines(input, ["t,signal", .. Enumerable.Range(0, 30_000).Select(i =>
        {
            double seconds = i / 50.0;
            beat += 2 * Math.PI * (1.2 + 0.1 * Math.Sin(2 * Math.PI * seconds / 60)) / 50;
            breath += 2 * Math.PI * 0.25 / 50;
            double phase = beat % (2 * Math.PI);
            double pulse = Math.Exp(-(phase - 1.0) * (phase - 1.0) / 0.05) + 0.3 * Math.Exp(-(phase - 2.5) * (phase - 2.5) / 0.2);
            double value = pulse * (1 + 0.1 * Math.Sin(breath)) + 0.3 * Math.Sin(breath) + 0.03 * Gaussian(noise);
            return string.Create(CultureInfo.InvariantCulture, $"{seconds:F2},{value:F5}");
        })]);
        string[] layout = ["feed.timestamp-column=t", "metrics.score-from=9001"];

        var withRhythm = await ScoresOf([1], "pulse", input, "signal", horizon: 1, scoreFromDataRow: 9_000, layout);
        var without = await ScoresOf([1], "pulse-flat", input, "signal", horizon: 1, scoreFromDataRow: 9_000, [.. layout, "series.seasonal-lag=0", "series.window=64"]);

        Assert.True(withRhythm.Average(s => s.Mase) < 0.95 * without.Average(s => s.Mase),
            $"pulse: MASE {withRhythm.Average(s => s.Mase):F4} with its rhythm, {without.Average(s => s.Mase):F4} without");
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    private sealed record Score(double Mape, double Nrmse, double Mase);

    /// <summary>Runs each seed and scores its predictions file against the data file.</summary>
    private Task<List<Score>> Scores(string name, string input, string column, int horizon, int scoreFromDataRow, params string[] settings) =>
        ScoresOf(Seeds, name, input, column, horizon, scoreFromDataRow, settings);

    private async Task<List<Score>> ScoresOf(int[] seeds, string name, string input, string column, int horizon, int scoreFromDataRow, string[] settings)
    {
        var scores = (await RunSeeds(seeds, name, input, settings)).Select(predictions => Scored(input, column, predictions, horizon, scoreFromDataRow)).ToList();
        log.WriteLine($"{name}: " + string.Join("; ", scores.Select((s, i) => $"seed {seeds[i]} MAPE {s.Mape:F4} NRMSE {s.Nrmse:F4} MASE {s.Mase:F4}")));
        return scores;
    }

    /// <summary>`run --input` once per seed with only <paramref name="settings"/> set; the predictions files, in seed order.</summary>
    private async Task<List<string>> RunSeeds(int[] seeds, string name, string input, string[] settings)
    {
        var files = new List<string>();
        foreach (int seed in seeds)
        {
            string predictions = Path.Combine(_scratch.Path, $"{name}-{seed}.csv");
            var args = new List<string>
            {
                "run", "--input", input, "--output", predictions, "--set", $"seed={seed}",
                "--set", $"output.quarantine={Path.Combine(_scratch.Path, $"{name}-{seed}.quarantine.jsonl")}", "--set", "http.port=off",
            };
            foreach (var setting in settings) args.AddRange(["--set", setting]);
            var output = new StringWriter();
            Assert.Equal(0, await CommandLine.Build(output).Parse(args).InvokeAsync());
            Assert.Contains("detected from the first", output.ToString());
            files.Add(predictions);
        }
        return files;
    }

    /// <summary>
    /// The forecasts whose target is data row <paramref name="scoreFromDataRow"/> or later, against the
    /// truth in the data file and against persistence (the value the forecast was made at):
    /// MAPE = Σ|error| / Σ|truth|, NRMSE = RMSE / sd of the whole series, MASE = MAE / persistence's MAE.
    /// </summary>
    /// <param name="series">With several series in one file, only that series' forecasts (the predictions file's first column).</param>
    private static Score Scored(string dataPath, string column, string predictionsPath, int horizon, int scoreFromDataRow, string? series = null)
    {
        var lines = File.ReadAllLines(dataPath);
        var header = lines[0].Split(',').Select(c => c.Trim('"')).ToList();
        int valueColumn = header.IndexOf(column);
        var rows = lines.Skip(1).Select(l => l.Split(','))
            .Where(cells => double.TryParse(cells[valueColumn], NumberStyles.Float, CultureInfo.InvariantCulture, out _))
            .Select(cells => (Time: cells[0].Trim('"'), Value: double.Parse(cells[valueColumn], CultureInfo.InvariantCulture))).ToList();
        // The first of a repeated time is the one a feed accepts (a later one is not increasing).
        var rowOf = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < rows.Count; i++) rowOf.TryAdd(rows[i].Time, i);

        double absError = 0, squaredError = 0, absTruth = 0, absPersistence = 0;
        int scored = 0;
        foreach (var cells in File.ReadLines(predictionsPath).Skip(1).Select(l => l.Split(',')))
        {
            if (series is not null && cells[0] != series) continue;
            if (!rowOf.TryGetValue(cells[1], out int at)) continue;
            int target = at + horizon;
            // A repeated time is rejected by the feed, so it is no forecast's target.
            if (target >= rows.Count || target < scoreFromDataRow || rowOf[rows[target].Time] != target) continue;
            double truth = rows[target].Value, predicted = double.Parse(cells[4], CultureInfo.InvariantCulture);
            absError += Math.Abs(predicted - truth);
            squaredError += (predicted - truth) * (predicted - truth);
            absTruth += Math.Abs(truth);
            absPersistence += Math.Abs(rows[at].Value - truth);
            scored++;
        }
        Assert.True(scored > 100, $"only {scored} forecasts scored in {predictionsPath}");
        double mean = rows.Average(r => r.Value);
        double sd = Math.Sqrt(rows.Sum(r => (r.Value - mean) * (r.Value - mean)) / rows.Count);
        return new Score(absError / absTruth, Math.Sqrt(squaredError / scored) / sd, absError / absPersistence);
    }
}
