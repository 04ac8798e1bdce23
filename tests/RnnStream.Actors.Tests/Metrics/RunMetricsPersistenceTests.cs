using RnnStream.Actors.Metrics;
using Xunit;

namespace RnnStream.Actors.Tests.Metrics;

public sealed class RunMetricsPersistenceTests
{
    [Fact]
    public void A_run_resumed_from_exported_scores_scores_the_rest_exactly_as_the_uninterrupted_run()
    {
        var forecasts = ScoredForecasts.Make(200);
        var whole = new RunMetrics(scoreFromOffset: 30);
        ScoredForecasts.Record(whole, forecasts);

        var first = new RunMetrics(scoreFromOffset: 30);
        ScoredForecasts.Record(first, forecasts.Take(250));
        var resumed = new RunMetrics(scoreFromOffset: 30);
        resumed.ImportScores(first.ExportScores());
        ScoredForecasts.Record(resumed, forecasts.Skip(250));

        Assert.Equal(whole.Predictions, resumed.Predictions);
        OverallScores expectedOverall = whole.PooledOverall(), resumedOverall = resumed.PooledOverall();
        Assert.Equal((expectedOverall.Scored.RelativeIntervalScore, expectedOverall.Scored.NaiveCoverage, expectedOverall.Nrmse, expectedOverall.Network.Mase),
            (resumedOverall.Scored.RelativeIntervalScore, resumedOverall.Scored.NaiveCoverage, resumedOverall.Nrmse, resumedOverall.Network.Mase));
        Assert.True(expectedOverall.Scored.RelativeIntervalScore > 0, "the interval comparison has begun");
        foreach (var id in ScoredForecasts.Series)
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
