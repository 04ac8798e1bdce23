using RnnStream.Host.Plots;
using Xunit;

namespace RnnStream.Host.Tests.Plots;

public sealed class RollingErrorTests
{
    [Fact]
    public void The_rolling_MAPE_is_the_MAPE_of_each_trailing_window()
    {
        var random = new Random(7);
        var actual = Enumerable.Range(0, 200).Select(_ => 50 + 10 * random.NextDouble()).ToArray();
        var forecast = actual.Select(a => a + random.NextDouble() * 4 - 2).ToArray();

        var rolling = RollingError.Mape(actual, forecast, 24);

        for (int i = 0; i < 23; i++) Assert.True(double.IsNaN(rolling[i]));
        for (int i = 23; i < actual.Length; i++)
        {
            var window = Enumerable.Range(i - 23, 24);
            double expected = window.Sum(t => Math.Abs(actual[t] - forecast[t])) / window.Sum(t => Math.Abs(actual[t]));
            Assert.Equal(expected, rolling[i], 1e-12);
        }
    }

    [Fact]
    public void A_missing_value_blanks_exactly_the_windows_that_hold_it()
    {
        var actual = Enumerable.Repeat(10.0, 30).ToArray();
        var forecast = Enumerable.Repeat(11.0, 30).ToArray();
        forecast[12] = double.NaN;

        var rolling = RollingError.Mape(actual, forecast, 5);

        for (int i = 4; i < 30; i++)
        {
            if (i is >= 12 and <= 16) Assert.True(double.IsNaN(rolling[i]), $"window ending at {i} holds the gap");
            else Assert.Equal(0.1, rolling[i], 1e-12);
        }
    }
}
