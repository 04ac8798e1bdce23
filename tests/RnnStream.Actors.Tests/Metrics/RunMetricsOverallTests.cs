using RnnStream.Actors.Metrics;
using Xunit;

namespace RnnStream.Actors.Tests.Metrics;

public sealed class RunMetricsOverallTests
{
    private static double[] Sums(ForecastScore score) =>
    [
        score.Count, score.SumAbsError, score.SumSquaredError, score.SumAbsActual, score.SumAbsNaiveError, score.SumActual, score.SumSquaredActual,
        score.Inside, score.IntervalsCompared, score.SumIntervalScore, score.SumNaiveIntervalScore, score.NaiveInside,
    ];

    [Fact]
    public void The_reported_overall_scores_are_the_same_bits_whichever_order_the_partitions_delivered_the_series_in()
    {
        var forecasts = ScoredForecasts.Make(200);
        var inFeedOrder = new RunMetrics(scoreFromOffset: 30);
        ScoredForecasts.Record(inFeedOrder, forecasts);
        // Each series' forecasts still in their own order, the series one after another, last first: as if one partition had run far ahead of the others.
        var seriesAfterSeries = new RunMetrics(scoreFromOffset: 30);
        ScoredForecasts.Record(seriesAfterSeries, forecasts.OrderByDescending(prediction => prediction.SeriesId, StringComparer.Ordinal));

        Assert.NotEqual(Sums(inFeedOrder.Overall), Sums(seriesAfterSeries.Overall));
        OverallScores reported = inFeedOrder.PooledOverall(), reportedAfterReordering = seriesAfterSeries.PooledOverall();
        Assert.Equal(Sums(reported.Scored), Sums(reportedAfterReordering.Scored));
        Assert.Equal(Sums(reported.Whole), Sums(reportedAfterReordering.Whole));
        Assert.Equal(Sums(reported.Network), Sums(reportedAfterReordering.Network));
        Assert.Equal(reported.Nrmse, reportedAfterReordering.Nrmse);
    }

    [Fact]
    public void The_reported_overall_scores_count_every_scored_forecast_the_stream_counted_and_agree_with_its_running_totals()
    {
        var forecasts = ScoredForecasts.Make(200);
        var metrics = new RunMetrics(scoreFromOffset: 30);
        ScoredForecasts.Record(metrics, forecasts);

        var reported = metrics.PooledOverall();
        Assert.Equal((metrics.Overall.Count, metrics.Overall.Inside), (reported.Scored.Count, reported.Scored.Inside));
        Assert.True(reported.Scored.Count > 0 && reported.Whole.Count > reported.Scored.Count, "the scored range is part of the whole stream");
        Assert.Equal(reported.Scored.Count, reported.Network.Count);
        Assert.Equal(metrics.Overall.Mae, reported.Scored.Mae, 1e-12);
        Assert.Equal(metrics.Overall.Rmse, reported.Scored.Rmse, 1e-12);
        Assert.Equal(metrics.Overall.Mase, reported.Scored.Mase, 1e-12);
    }
}
