using RnnStream.Feeds.Sources;
using Xunit;

namespace RnnStream.Feeds.Tests.Sources;

public sealed class SyntheticFeedTests
{
    [Fact]
    public void Prices_are_reproducible_from_the_seed_and_form_valid_bars()
    {
        var first = SyntheticPrices.Generate(30, 200, seed: 7).ToList();
        var again = SyntheticPrices.Generate(30, 200, seed: 7).ToList();
        var other = SyntheticPrices.Generate(30, 200, seed: 8).ToList();

        Assert.Equal(30 * 200, first.Count);
        Assert.Equal(first.Select(t => t.Values), again.Select(t => t.Values));
        Assert.NotEqual(first.Select(t => t.Values[3]), other.Select(t => t.Values[3]));
        Assert.All(first, t =>
        {
            float open = t.Values[0], high = t.Values[1], low = t.Values[2], close = t.Values[3];
            Assert.True(high >= Math.Max(open, close) && low <= Math.Min(open, close) && low > 0, $"bad bar {string.Join(",", t.Values)}");
        });
        // Each ticker's next open is its previous close: one continuous path per ticker.
        var aa = first.Where(t => t.SeriesId == "T0000").ToList();
        for (int i = 1; i < aa.Count; i++) Assert.Equal(aa[i - 1].Values[3], aa[i].Values[0]);
        Assert.Equal(aa[1].Timestamp - aa[0].Timestamp, TimeSpan.FromMinutes(1));
    }

    [Fact]
    public void Vitals_stay_in_physiological_ranges_and_follow_a_daily_rhythm()
    {
        var ticks = SyntheticVitals.Generate(20, 3 * 24 * 60, seed: 3).ToList();
        Assert.All(ticks, t =>
        {
            Assert.InRange(t.Values[0], 30f, 220f);
            Assert.InRange(t.Values[1], 60f, 220f);
            Assert.InRange(t.Values[2], 34f, 42f);
        });
        double MeanHeartRateAt(int hour) => ticks.Where(t => t.Timestamp.Hour == hour).Average(t => t.Values[0]);
        Assert.True(MeanHeartRateAt(16) > MeanHeartRateAt(4) + 5, "heart rate should be higher in the afternoon than before dawn");
    }
}
