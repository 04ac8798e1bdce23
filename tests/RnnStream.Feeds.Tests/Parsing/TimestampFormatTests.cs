using RnnStream.Feeds.Records;
using Xunit;

namespace RnnStream.Feeds.Tests.Parsing;

/// <summary>Times the system makes up (a forecast's target time) are written as the input writes its own.</summary>
public sealed class TimestampFormatTests
{
    [Theory]
    [InlineData("2024-01-01T00:00:01Z", "2024-01-01T00:00:02Z")]
    [InlineData("2024-01-01T00:00:01.5Z", "2024-01-01T00:00:02.5Z")]
    [InlineData("2024-01-01T09:30Z", "2024-01-01T09:30:01Z")]
    [InlineData("2024-01-01 00:00:01", "2024-01-01 00:00:02")]
    [InlineData("2024-01-01T00:00:01", "2024-01-01T00:00:02")]
    public void A_time_one_second_later_is_written_in_the_inputs_own_form(string input, string oneSecondLater)
    {
        Assert.True(TimestampFormat.TryDetect(input, out var format));
        Assert.True(format.TryParse(input, out var time));
        var later = time.AddSeconds(1);
        // A minute-only form cannot hold the second: it shows where the format ends, not a wrong time.
        if (input.EndsWith(":30Z", StringComparison.Ordinal)) Assert.Equal("2024-01-01T09:30Z", format.Format(later));
        else Assert.Equal(oneSecondLater, format.Format(later));
    }

    [Fact]
    public void A_Z_time_reads_as_UTC_as_the_general_ISO_reader_reads_it()
    {
        Assert.True(TimestampFormat.TryDetect("2024-05-01T09:30:00Z", out var format));
        Assert.True(format.TryParse("2024-05-01T09:30:00Z", out var time));
        Assert.Equal(DateTimeKind.Utc, time.Kind);
        Assert.Equal(new DateTime(2024, 5, 1, 9, 30, 0, DateTimeKind.Utc), time);
    }
}
