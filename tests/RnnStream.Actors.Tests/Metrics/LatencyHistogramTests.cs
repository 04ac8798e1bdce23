using RnnStream.Actors.Metrics;
using Xunit;

namespace RnnStream.Actors.Tests.Metrics;

public sealed class LatencyHistogramTests
{
    [Fact]
    public void Percentiles_read_the_upper_edge_of_the_microsecond_bucket_they_fall_in()
    {
        var histogram = new LatencyHistogram();
        for (int i = 0; i < 1000; i++) histogram.Record(i + 0.5);

        Assert.Equal(1000, histogram.Count);
        Assert.Equal(1, histogram.Percentile(0.0005));
        Assert.Equal(500, histogram.Percentile(0.5));
        Assert.Equal(990, histogram.Percentile(0.99));
        Assert.Equal(1000, histogram.Percentile(1.0));
        Assert.Equal(999.5, histogram.MaxMicroseconds);
    }

    [Fact]
    public void Past_10_ms_buckets_are_100_us_wide_and_past_a_second_the_maximum_is_reported()
    {
        var histogram = new LatencyHistogram();
        histogram.Record(15_050);
        Assert.Equal(15_100, histogram.Percentile(0.5));

        histogram.Record(2_500_000);
        Assert.Equal(2_500_000, histogram.Percentile(1.0));
        Assert.Equal(15_100, histogram.Percentile(0.5));
    }

    [Fact]
    public void An_empty_histogram_has_no_percentiles_and_a_negative_latency_counts_as_zero()
    {
        var histogram = new LatencyHistogram();
        Assert.True(double.IsNaN(histogram.Percentile(0.5)));

        histogram.Record(-3);
        Assert.Equal(1, histogram.Percentile(0.5));
        Assert.Equal(0, histogram.MaxMicroseconds);
    }
}
