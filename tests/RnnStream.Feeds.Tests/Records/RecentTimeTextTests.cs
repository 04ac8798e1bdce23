using RnnStream.Feeds.Records;
using Xunit;

namespace RnnStream.Feeds.Tests.Records;

public sealed class RecentTimeTextTests
{
    private static readonly DateTime Noon = new(2024, 3, 1, 12, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void Each_time_is_written_as_its_format_writes_it_whether_it_repeats_or_changes_in_time_format_or_kind()
    {
        var minutes = TimestampFormat.Pattern("yyyy-MM-dd HH:mm");
        var withKind = TimestampFormat.Pattern("yyyy-MM-dd'T'HH:mm:ssK");
        var unspecified = DateTime.SpecifyKind(Noon, DateTimeKind.Unspecified);
        (DateTime Time, TimestampFormat Format)[] asked =
        [
            (Noon, minutes), (Noon, minutes), (Noon.AddMinutes(1), minutes), (Noon, minutes),
            (Noon, withKind), (unspecified, withKind), (unspecified, withKind), (Noon, withKind),
            (Noon, TimestampFormat.Seconds), (Noon.AddSeconds(0.5), TimestampFormat.Seconds),
        ];
        var recent = new RecentTimeText();
        foreach (var (time, format) in asked) Assert.Equal(format.Format(time), recent.Of(time, format).ToString());
        // The same ticks, written with and without the zone: the kind alone told them apart.
        Assert.NotEqual(withKind.Format(Noon), withKind.Format(unspecified));
    }

    [Fact]
    public void A_time_longer_than_the_room_kept_for_it_is_written_whole()
    {
        var verbose = TimestampFormat.Pattern("yyyy-MM-dd '" + new string('x', 200) + "' HH:mm");
        var recent = new RecentTimeText();
        Assert.Equal(verbose.Format(Noon), recent.Of(Noon, verbose).ToString());
        Assert.Equal(verbose.Format(Noon.AddDays(1)), recent.Of(Noon.AddDays(1), verbose).ToString());
        Assert.Equal("2024-03-01 12:00", recent.Of(Noon, TimestampFormat.Pattern("yyyy-MM-dd HH:mm")).ToString());
    }
}
