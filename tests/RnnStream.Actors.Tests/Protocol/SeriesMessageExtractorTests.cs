using RnnStream.Actors.Protocol;
using Xunit;

namespace RnnStream.Actors.Tests.Protocol;

/// <summary>
/// Durable state is laid out by key group, so the id → key group mapping must never change: a new
/// release, another runtime or another machine that mapped one id elsewhere would resume that series
/// from nothing. The expected numbers were computed apart from this code (FNV-1a over UTF-16 units).
/// </summary>
public sealed class SeriesMessageExtractorTests
{
    [Theory]
    [InlineData("AA", 7, 39)]
    [InlineData("AXP", 4, 48)]
    [InlineData("MSFT", 3, 83)]
    [InlineData("patient-000", 3, 35)]
    [InlineData("patient-099", 13, 37)]
    [InlineData("nyc_taxi", 6, 46)]
    [InlineData("infant", 1, 89)]
    [InlineData("s", 2, 62)]
    [InlineData("", 5, 61)]
    [InlineData("\u00e9", 4, 40)]
    [InlineData("\u65e5\u672c", 4, 96)]
    [InlineData("\ud83d\ude42sensor-42", 9, 33)]
    public void A_series_id_maps_to_the_same_key_group_in_every_process_and_release(string seriesId, int of16, int of100)
    {
        Assert.Equal(of16, new SeriesMessageExtractor(16).Partition(seriesId));
        Assert.Equal(of100, new SeriesMessageExtractor(100).Partition(seriesId));
        Assert.Equal(of16.ToString(System.Globalization.CultureInfo.InvariantCulture), new SeriesMessageExtractor(16).ShardId(seriesId));
    }
}
