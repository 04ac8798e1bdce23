using RnnStream.Feeds.Parsing;
using RnnStream.Feeds.Records;
using Xunit;

namespace RnnStream.Feeds.Tests.Parsing;

public sealed class RecordParserTests
{
    private static List<FeedRecord> ParseAll(RecordParser parser, params string[] lines)
    {
        var output = new List<FeedRecord>();
        for (int i = 0; i < lines.Length; i++) parser.Parse(lines[i], i, output);
        return output;
    }

    [Fact]
    public void Long_format_reads_series_and_features_by_header_name()
    {
        var parser = new RecordParser(new FeedSchema { SeriesColumn = "ticker", Targets = ["close"] });
        var records = ParseAll(parser,
            "timestamp,ticker,open,high,low,close",
            "2024-01-02 09:30:00,AAPL,1,2,0.5,1.5",
            "2024-01-02 09:30:00,MSFT,3,4,2.5,3.5");

        var ticks = records.Cast<Tick>().ToList();
        Assert.Equal(["open", "high", "low", "close"], parser.FeatureNames);
        Assert.Equal([3], parser.TargetIndices);
        Assert.Equal(["AAPL", "MSFT"], ticks.Select(t => t.SeriesId));
        Assert.Equal([3f, 4f, 2.5f, 3.5f], ticks[1].Values);
        Assert.Equal(new DateTime(2024, 1, 2, 9, 30, 0), ticks[0].Timestamp);
        Assert.Equal("2024-01-02 09:30:00", ticks[0].RawTimestamp);
    }

    [Fact]
    public void Wide_format_makes_one_series_per_column_with_quoted_headers()
    {
        var parser = new RecordParser(new FeedSchema { Format = FeedFormat.Wide, TimestampColumn = "date", Features = ["close"] });
        var records = ParseAll(parser,
            "\"date\",\"AA\",\"AXP\",\"T\"",
            "\"1990-12-31\",5.92,4.7,14.67",
            "\"1991-01-02\",5.95,x,14.5");

        Assert.Equal(["close"], parser.FeatureNames);
        var ticks = records.OfType<Tick>().ToList();
        Assert.Equal(["AA", "AXP", "T", "AA", "T"], ticks.Select(t => t.SeriesId));
        Assert.Equal("1990-12-31", ticks[0].RawTimestamp);
        var rejected = Assert.Single(records.OfType<Rejected>());
        Assert.Equal(RejectReason.NonNumeric, rejected.Reason);
        Assert.Contains("AXP", rejected.Raw);
    }

    [Fact]
    public void A_NAB_file_is_one_series_named_by_the_schema_with_one_value()
    {
        var parser = new RecordParser(new FeedSchema { FixedSeriesId = "nyc_taxi" });
        var ticks = ParseAll(parser, "timestamp,value", "2014-07-01 00:00:00,10844", "2014-07-01 00:30:00,8127").Cast<Tick>().ToList();
        Assert.All(ticks, t => Assert.Equal("nyc_taxi", t.SeriesId));
        Assert.Equal([10844f, 8127f], ticks.Select(t => t.Values[0]));
    }

    [Fact]
    public void The_cui2016_type_rows_are_skipped()
    {
        var parser = new RecordParser(new FeedSchema { FixedSeriesId = "taxi", Features = ["passenger_count"], SkipRowsAfterHeader = 2 });
        var records = ParseAll(parser, "timestamp,passenger_count,timeofday,dayofweek", "datetime,int,int,int", "T,,,", "2014-07-01 00:00:00,10844,0,1");
        var tick = Assert.IsType<Tick>(Assert.Single(records));
        Assert.Equal([10844f], tick.Values);
    }

    [Fact]
    public void Numeric_timestamps_are_seconds_and_keep_their_text()
    {
        var parser = new RecordParser(new FeedSchema { TimestampColumn = "t_seconds", Features = ["heart_rate_bpm"] });
        var ticks = ParseAll(parser, "\"t_seconds\",\"heart_rate_bpm\",\"sleep_state\"", "0,129,2", "16,130,2").Cast<Tick>().ToList();
        Assert.Equal(TimeSpan.FromSeconds(16), ticks[1].Timestamp - ticks[0].Timestamp);
        Assert.Equal("16", ticks[1].RawTimestamp);
        Assert.Equal("48", ticks[1].Format.Format(ticks[1].Timestamp.AddSeconds(32)));
    }

    public static TheoryData<string, RejectReason> BadLines() => new()
    {
        { "2024-01-01 00:01:00,s1,abc,2", RejectReason.NonNumeric },
        { "2024-01-01 00:01:00,s1,NaN,2", RejectReason.NonFinite },
        { "2024-01-01 00:01:00,s1,Infinity,2", RejectReason.NonFinite },
        { "2024-01-01 00:01:00,s1,1", RejectReason.MissingField },
        { "2024-01-01 00:01:00,s1,1,2,3", RejectReason.WrongFeatureCount },
        { "", RejectReason.EmptyLine },
        { "yesterday,s1,1,2", RejectReason.UnparseableTimestamp },
        { "2024-01-01 00:01:00,s1,1e300,2", RejectReason.AbsurdMagnitude },
        { "2024-01-01 00:01:00,s1,1,\u0001\u0002", RejectReason.InvalidEncoding },
        { "2024-01-01 00:01:00,s1,1,\uFFFD", RejectReason.InvalidEncoding },
        { "2024-01-01 00:01:00,s\uD800,1,2", RejectReason.InvalidEncoding },
        { "2024-01-01 00:01:00,s1,1,2\uDC00", RejectReason.InvalidEncoding },
        { "2024-01-01 00:01:00, s1 ,1,2", RejectReason.MalformedSeriesId },
        { "2024-01-01 00:01:00,gpj\u202Eexe,1,2", RejectReason.MalformedSeriesId },
        { "2024-01-01 00:01:00,a\u2066b,1,2", RejectReason.MalformedSeriesId },
        { "2024-01-01 00:00:00,s1,1,2", RejectReason.TimestampNotIncreasing },
        { "2023-12-31 23:59:00,s1,1,2", RejectReason.TimestampNotIncreasing },
        { "2024-01-01 00:01:00,s1,1," + new string('9', 200), RejectReason.LineTooLong },
    };

    [Theory]
    [MemberData(nameof(BadLines))]
    public void A_bad_record_is_rejected_with_its_reason_and_the_next_good_one_still_parses(string line, RejectReason reason)
    {
        var parser = new RecordParser(new FeedSchema { SeriesColumn = "series", MaxLineLength = 120 });
        var records = ParseAll(parser, "timestamp,series,a,b", "2024-01-01 00:00:00,s1,1,2", line, "2024-01-01 00:02:00,s1,3,4");

        var rejected = Assert.Single(records.OfType<Rejected>());
        Assert.Equal(reason, rejected.Reason);
        Assert.Equal(2, rejected.Offset);
        Assert.False(string.IsNullOrEmpty(rejected.Detail));
        Assert.Equal(2, records.OfType<Tick>().Count());
    }

    [Fact]
    public void New_series_beyond_the_maximum_are_rejected()
    {
        var parser = new RecordParser(new FeedSchema { SeriesColumn = "series", MaxSeries = 2 });
        var records = ParseAll(parser, "timestamp,series,a", "2024-01-01 00:00:00,s1,1", "2024-01-01 00:00:00,s2,1", "2024-01-01 00:00:00,s3,1", "2024-01-01 00:01:00,s1,1");
        Assert.Equal(RejectReason.TooManySeries, Assert.Single(records.OfType<Rejected>()).Reason);
        Assert.Equal(3, records.OfType<Tick>().Count());
    }

    /// <summary>
    /// Half a surrogate pair cannot be written as UTF-8: as raw text it is bad encoding, and as a JSON
    /// escape it is a malformed record; neither may escape the parser (a series id of one would fail
    /// every output that writes it).
    /// </summary>
    [Fact]
    public void Half_a_surrogate_pair_raw_or_escaped_in_JSON_is_rejected_and_the_next_line_parses()
    {
        var parser = new RecordParser(new FeedSchema { Format = FeedFormat.JsonLines, SeriesColumn = "id", Features = ["hr"] });
        var records = ParseAll(parser,
            "{\"timestamp\":\"2024-03-01T00:00:00Z\",\"id\":\"P\uD800\",\"hr\":72}",
            "{\"timestamp\":\"2024-03-01T00:00:00Z\",\"id\":\"P\\uD800\",\"hr\":72}",
            "{\"timestamp\":\"2024-03-01T00:00:00Z\",\"id\":\"P1\",\"hr\":\"7\\uDC002\"}",
            "{\"timestamp\":\"2024-03-01T00:00:00Z\",\"id\":\"P1\",\"hr\":72}");

        Assert.Equal([RejectReason.InvalidEncoding, RejectReason.MalformedJson, RejectReason.MalformedJson], records.OfType<Rejected>().Select(r => r.Reason));
        // What goes to the quarantine can be written as UTF-8.
        Assert.All(records.OfType<Rejected>(), r => new System.Text.UTF8Encoding(false, throwOnInvalidBytes: true).GetByteCount(r.Raw));
        Assert.Equal("P1", Assert.Single(records.OfType<Tick>()).SeriesId);
    }

    [Fact]
    public void JSON_lines_map_keys_to_the_schema_and_reject_what_is_missing()
    {
        var parser = new RecordParser(new FeedSchema { Format = FeedFormat.JsonLines, SeriesColumn = "id", Features = ["hr", "temp"] });
        var records = ParseAll(parser,
            "{\"timestamp\":\"2024-03-01T00:00:00Z\",\"id\":\"P1\",\"hr\":72,\"temp\":\"36.6\"}",
            "{\"timestamp\":\"2024-03-01T00:01:00Z\",\"id\":\"P1\",\"hr\":73}",
            "{not json",
            "[1,2]");
        var tick = Assert.Single(records.OfType<Tick>());
        Assert.Equal([72f, 36.6f], tick.Values);
        Assert.Equal([RejectReason.MissingField, RejectReason.MalformedJson, RejectReason.MalformedJson], records.OfType<Rejected>().Select(r => r.Reason));
    }

    [Fact]
    public void A_missing_column_is_a_schema_error_naming_the_column()
    {
        var parser = new RecordParser(new FeedSchema { SeriesColumn = "ticker" });
        var error = Assert.Throws<FeedSchemaException>(() => ParseAll(parser, "timestamp,symbol,close"));
        Assert.Contains("ticker", error.Message);
    }
}
