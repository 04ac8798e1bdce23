using RnnStream.Actors.Metrics;
using RnnStream.Actors.Series;
using RnnStream.Feeds.Records;
using RnnStream.Model.Inference;
using RnnStream.Model.Specs;
using RnnStream.Model.Weights;
using Xunit;

namespace RnnStream.Actors.Tests.Metrics;

public sealed class RunMetricsPersistenceTests
{
    private static readonly string[] Series = ["a", "b", "c"];

    /// <summary>The forecasts of three series through the real forecaster, in feed order.</summary>
    private static List<Prediction> Forecasts(int steps)
    {
        var settings = Harness.DefaultSettings with { Forecaster = ForecasterChoice.Best };
        var network = new InferenceNetwork(WeightInitializer.Initialize(new ModelSpec(settings.NetworkInputs, [new LayerSpec(CellType.Gru, 4)], settings.Targets), 2));
        var forecaster = new SeriesForecaster(settings);
        var states = Series.ToDictionary(id => id, id => forecaster.CreateState(id, network));
        return Ticks.Interleaved(Series, steps).Select(tick => forecaster.Process(states[tick.SeriesId], tick, network, null)).ToList();
    }

    private static void Record(RunMetrics metrics, IEnumerable<Prediction> predictions)
    {
        foreach (var prediction in predictions)
        {
            metrics.ScoresFor(prediction.SeriesId).Record(prediction, metrics.ScoreFromOffset, metrics.IntervalZ, metrics.IntervalAlpha);
            metrics.Record(prediction, System.Diagnostics.Stopwatch.GetTimestamp());
        }
    }

    [Fact]
    public void A_run_resumed_from_exported_scores_scores_the_rest_exactly_as_the_uninterrupted_run()
    {
        var forecasts = Forecasts(200);
        var whole = new RunMetrics(scoreFromOffset: 30);
        Record(whole, forecasts);

        var first = new RunMetrics(scoreFromOffset: 30);
        Record(first, forecasts.Take(250));
        var resumed = new RunMetrics(scoreFromOffset: 30);
        resumed.ImportScores(first.ExportScores());
        Record(resumed, forecasts.Skip(250));

        Assert.Equal(whole.Predictions, resumed.Predictions);
        Assert.Equal(whole.OverallIntervals, resumed.OverallIntervals);
        Assert.True(whole.OverallIntervals.Relative > 0, "the interval comparison has begun");
        foreach (var id in Series)
        {
            ForecastScore expected = whole.PerSeries[id], actual = resumed.PerSeries[id];
            Assert.Equal((expected.Count, expected.SumAbsError, expected.SumAbsNaiveError, expected.Inside), (actual.Count, actual.SumAbsError, actual.SumAbsNaiveError, actual.Inside));
            Assert.Equal((expected.IntervalsCompared, expected.SumIntervalScore, expected.SumNaiveIntervalScore, expected.NaiveInside),
                (actual.IntervalsCompared, actual.SumIntervalScore, actual.SumNaiveIntervalScore, actual.NaiveInside));
            Assert.Equal(whole.TruthStdDev(id), resumed.TruthStdDev(id));
        }
    }

    [Fact]
    public void Scores_a_checkpoint_of_the_first_format_wrote_still_import_and_the_interval_comparison_starts_afresh()
    {
        using var bytes = new MemoryStream();
        using (var writer = new BinaryWriter(bytes, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            writer.Write((byte)1);
            writer.Write(5L);
            writer.Write(0L);
            // Overall, the whole stream, then one series in each table: count, six sums, inside.
            for (int score = 0; score < 4; score++)
            {
                if (score == 2) { writer.Write(1); writer.Write("a"); }
                if (score == 3) { writer.Write(1); writer.Write("a"); }
                writer.Write(4L);
                for (int sum = 0; sum < 6; sum++) writer.Write(2.0);
                writer.Write(3L);
            }
            writer.Write(0);
        }
        var metrics = new RunMetrics();
        metrics.ImportScores(bytes.ToArray());

        Assert.Equal(5, metrics.Predictions);
        Assert.Equal((4L, 3L, 1.0), (metrics.PerSeries["a"].Count, metrics.PerSeries["a"].Inside, metrics.PerSeries["a"].Mase));
        Assert.Equal(0, metrics.PerSeries["a"].IntervalsCompared);
        Assert.Null(metrics.ScoresFor("a").Naive);
    }
}
