using RnnStream.Feeds.Parsing;
using RnnStream.Feeds.Records;
using Xunit;

namespace RnnStream.Feeds.Tests.Parsing;

/// <summary>JSON lines read field by field as a document reads them, and what is no record rejected with its reason.</summary>
public sealed class JsonLinesTests
{
    private static List<FeedRecord> Parse(params string[] lines)
    {
        var parser = new RecordParser(new FeedSchema { Format = FeedFormat.JsonLines, SeriesColumn = "id", Features = ["hr", "temp"] });
        var output = new List<FeedRecord>();
        for (int i = 0; i < lines.Length; i++) parser.Parse(lines[i], i + 1, output);
        return output;
    }

    [Fact]
    public void Fields_are_read_unescaped_numbers_by_their_text_and_a_repeated_key_by_its_last_value()
    {
        var records = Parse(
            "{\"timestamp\":\"2024-03-01T00:00:00Z\",\"id\":\"P\\u0031\",\"h\\u0072\":1e2,\"temp\":\"36.5\",\"extra\":{\"a\":[1,2,{\"b\":null}]}}",
            "{\"timestamp\":\"2024-03-01T00:01:00Z\",\"id\":\"P1\",\"hr\":70,\"hr\":71,\"temp\":36.6}  ",
            "{\"id\":\"P2\",\"timestamp\":\"2024-03-01T00:00:00Z\",\"temp\":-1.5E-1,\"hr\":0}");

        Assert.Equal(["P1 100 36.5", "P1 71 36.6", "P2 0 -0.15"],
            records.Select(record => record is Tick tick ? $"{tick.SeriesId} {string.Join(' ', tick.Values)}" : record.ToString()));
    }

    [Fact]
    public void A_line_that_is_not_one_JSON_object_or_lacks_a_field_or_has_no_number_in_one_is_rejected_and_the_next_reads()
    {
        var records = Parse(
            "{\"timestamp\":\"2024-03-01T00:00:00Z\",\"id\":\"P1\",\"hr\":72,\"temp\":36.6} {}",
            "{\"timestamp\":\"2024-03-01T00:00:00Z\",\"id\":\"P1\",\"hr\":72,\"temp\":36.6",
            "[{\"timestamp\":\"2024-03-01T00:00:00Z\"}]",
            "{\"timestamp\":\"2024-03-01T00:00:00Z\",\"id\":\"P1\",\"hr\":{\"v\":72},\"temp\":36.6}",
            "{\"timestamp\":\"2024-03-01T00:00:00Z\",\"id\":\"P1\",\"hr\":null,\"temp\":36.6}",
            "{\"timestamp\":\"2024-03-01T00:00:00Z\",\"hr\":72,\"temp\":36.6}",
            "{\"timestamp\":\"2024-03-01T00:00:00Z\",\"id\":\"P1\",\"hr\":72}",
            "{\"timestamp\":\"2024-03-01T00:02:00Z\",\"id\":\"P1\",\"hr\":72,\"temp\":36.6}");

        var rejects = records.OfType<Rejected>().ToArray();
        Assert.Equal([RejectReason.MalformedJson, RejectReason.MalformedJson, RejectReason.MalformedJson, RejectReason.NonNumeric, RejectReason.NonNumeric,
            RejectReason.MissingField, RejectReason.MissingField], rejects.Select(r => r.Reason));
        Assert.Equal("a record must be a JSON object", rejects[2].Detail);
        Assert.Equal(["no 'id'", "no 'temp'"], rejects[5..].Select(r => r.Detail));
        Assert.Equal(8, Assert.Single(records.OfType<Tick>()).Offset);
    }
}
