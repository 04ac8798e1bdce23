using System.Diagnostics;
using RnnStream.Actors.Metrics;
using RnnStream.Feeds.Records;
using Xunit;

namespace RnnStream.Actors.Tests.Metrics;

/// <summary>
/// A prediction's latency runs from its tick's arrival (the feed's stamp) to the delivery time the
/// router gives, one clock reading for a whole delivered batch.
/// </summary>
public sealed class RunMetricsLatencyTests
{
    private static readonly string[] Targets = ["close"];

    private static Prediction Forecast(long receivedAt, PredictionFailure? failure = null) =>
        new("s", "2026-12-03T00:00:00Z", null, null, Targets, new float[3], 1, "network", receivedAt, 0, failure);

    private static long MicrosecondsAfter(long timestamp, double microseconds) => timestamp + (long)(microseconds * Stopwatch.Frequency / 1e6);

    [Fact]
    public void Each_prediction_of_a_batch_counts_from_its_own_arrival_to_the_batch_delivery()
    {
        var metrics = new RunMetrics();
        long first = Stopwatch.GetTimestamp();
        long deliveredAt = MicrosecondsAfter(first, 2_500);
        // Three ticks that arrived 2,500, 1,500 and 700.5 µs before the batch that carries their predictions left.
        foreach (double before in new[] { 2_500, 1_500, 700.5 })
            metrics.Record(Forecast(MicrosecondsAfter(deliveredAt, -before)), deliveredAt);

        Assert.Equal(3, metrics.Latency.Count);
        Assert.Equal(3, metrics.Predictions);
        Assert.InRange(metrics.Latency.MaxMicroseconds, 2_499, 2_501);
        // The histogram reads a percentile off its 1 µs buckets' upper edge.
        Assert.InRange(metrics.Latency.Percentile(0.3), 701, 702);
        Assert.InRange(metrics.Latency.Percentile(0.6), 1_500, 1_502);
    }

    [Fact]
    public void A_tick_without_an_arrival_stamp_or_a_failed_one_counts_no_latency()
    {
        var metrics = new RunMetrics();
        long deliveredAt = Stopwatch.GetTimestamp();
        metrics.Record(Forecast(receivedAt: 0), deliveredAt);
        metrics.Record(Forecast(MicrosecondsAfter(deliveredAt, -100), new PredictionFailure("bad", "a failure")), deliveredAt);

        Assert.Equal(0, metrics.Latency.Count);
        Assert.Equal(1, metrics.Predictions);
        Assert.Equal(1, metrics.Failures);
    }
}
