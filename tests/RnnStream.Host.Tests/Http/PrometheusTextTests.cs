using Xunit;

namespace RnnStream.Host.Tests.Http;

/// <summary>The test's own Prometheus text reader takes the exposition format and nothing else.</summary>
public sealed class PrometheusTextTests
{
    [Fact]
    public void Samples_with_labels_escapes_and_special_values_are_read()
    {
        var (samples, types) = PrometheusText.Parse("# HELP x_total a counter\n# TYPE x_total counter\nx_total{reason=\"a \\\"b\\\"\",k=\"v\"} 3\n" +
            "# TYPE h histogram\nh_bucket{le=\"+Inf\"} 2\nh_sum 1.5e-3\nh_count 2\ng NaN\n");
        Assert.Equal("counter", types["x_total"]);
        Assert.Equal("a \"b\"", samples[0].Labels["reason"]);
        Assert.Equal(3, samples[0].Value);
        Assert.Equal(0.0015, samples[2].Value);
        Assert.True(double.IsNaN(samples[4].Value));
    }

    [Theory]
    [InlineData("x 1 2 3\n")]
    [InlineData("x{a=b} 1\n")]
    [InlineData("x{a=\"b} 1\n")]
    [InlineData("x{a=\"\\q\"} 1\n")]
    [InlineData("x one\n")]
    [InlineData("1x 1\n")]
    [InlineData("# TYPE x counter\n# TYPE x counter\n")]
    [InlineData("x 1\n# TYPE x counter\n")]
    public void Anything_else_is_an_error(string text)
    {
        Assert.Throws<FormatException>(() => PrometheusText.Parse(text));
    }
}
