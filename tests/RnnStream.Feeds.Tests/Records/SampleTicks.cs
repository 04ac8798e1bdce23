using RnnStream.Feeds.Records;

namespace RnnStream.Feeds.Tests.Records;

/// <summary>One-feature ticks of one series for stage tests, a minute apart, told apart by their offset.</summary>
internal static class SampleTicks
{
    private static readonly TimestampFormat Format = TimestampFormat.Pattern("yyyy-MM-dd HH:mm");

    public static Tick At(long offset) => new("s", new DateTime(2024, 1, 1).AddMinutes(offset), "x", [1f], offset, Format);
}
