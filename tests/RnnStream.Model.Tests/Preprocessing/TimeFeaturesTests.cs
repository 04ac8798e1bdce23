using RnnStream.Model.Preprocessing;
using Xunit;

namespace RnnStream.Model.Tests.Preprocessing;

public sealed class TimeFeaturesTests
{
    private static float[] Encode(DateTime t)
    {
        var values = new float[TimeFeatures.Count];
        TimeFeatures.Write(t, values);
        return values;
    }

    [Fact]
    public void Midnight_and_noon_sit_opposite_on_the_daily_circle()
    {
        var midnight = Encode(new DateTime(2015, 1, 5, 0, 0, 0));
        var noon = Encode(new DateTime(2015, 1, 5, 12, 0, 0));
        Assert.Equal(0f, midnight[0], 6);
        Assert.Equal(1f, midnight[1], 6);
        Assert.Equal(0f, noon[0], 5);
        Assert.Equal(-1f, noon[1], 6);
    }

    [Fact]
    public void Late_sunday_is_next_to_early_monday()
    {
        // 2015-01-05 is a Monday.
        var sundayNight = Encode(new DateTime(2015, 1, 4, 23, 30, 0));
        var mondayMorning = Encode(new DateTime(2015, 1, 5, 0, 30, 0));
        var thursday = Encode(new DateTime(2015, 1, 8, 12, 0, 0));
        double Distance(float[] a, float[] b) => Math.Sqrt(Math.Pow(a[2] - b[2], 2) + Math.Pow(a[3] - b[3], 2));
        Assert.True(Distance(sundayNight, mondayMorning) < 0.05);
        Assert.True(Distance(mondayMorning, thursday) > 1.5);
        Assert.Equal(1f, mondayMorning[3], 2);
    }
}
