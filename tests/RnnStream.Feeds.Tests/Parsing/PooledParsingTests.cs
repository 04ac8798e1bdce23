using RnnStream.Feeds.Parsing;
using RnnStream.Feeds.Records;
using Xunit;

namespace RnnStream.Feeds.Tests.Parsing;

/// <summary>A line parsed into a pooled batch: the same records as parsed new, and no allocation for an accepted line of a known series.</summary>
public sealed class PooledParsingTests
{
    private const string Header = "timestamp,ticker,open,high,low,close";

    private static string[] Minutes(int series, int minutes, int firstMinute = 0) =>
        Enumerable.Range(firstMinute, minutes)
            .SelectMany(minute => Enumerable.Range(0, series).Select(s => $"2024-01-02 {9 + minute / 60:D2}:{minute % 60:D2}:00,S{s:D3},{s},{s + 1.5},{minute * 0.25},{-s - minute}"))
            .ToArray();

    private static RecordParser Parser()
    {
        var parser = new RecordParser(new FeedSchema { SeriesColumn = "ticker" });
        parser.Parse(Header, 0, new List<FeedRecord>());
        return parser;
    }

    /// <summary>Parses the lines into batches of the pool, each handed back as the router does once it is through it (no tick of it in flight).</summary>
    /// <param name="kept">Where copies of the records go, or null.</param>
    private static void ParsePooled(RecordParser parser, RecordBatchPool pool, string[] lines, List<FeedRecord>? kept = null)
    {
        var batch = pool.Rent();
        for (int i = 0; i < lines.Length; i++)
        {
            if (batch.Room < parser.MostRecordsPerLine)
            {
                Hand(batch);
                batch = pool.Rent();
            }
            parser.Parse(lines[i].AsSpan(), i + 1, batch, 0);
        }
        Hand(batch);

        void Hand(RecordBatch full)
        {
            kept?.AddRange(full.Records.ToArray().Select(r => r is Tick t ? new Tick(t.SeriesId, t.Timestamp, t.RawTimestamp, t.Values.ToArray(), t.Offset, t.Format) : r));
            full.Passed();
        }
    }

    private static string Described(FeedRecord record) => record switch
    {
        Tick tick => $"tick {tick.Offset} {tick.SeriesId} {tick.Timestamp:O} {tick.RawTimestamp} {tick.Format} {string.Join(' ', tick.Values)}",
        Rejected rejected => $"rejected {rejected.Offset} {rejected.Reason} {rejected.Detail} {rejected.Raw}",
        _ => record.ToString(),
    };

    [Fact]
    public void A_pooled_batch_gets_the_records_a_list_gets_rejects_included()
    {
        string[] lines =
        [
            .. Minutes(3, 2),
            "2024-01-02 09:00:00,S000,1,2,3,4",
            "2024-01-02 09:05:00,S001,1,x,3,4",
            "2024-01-02 09:05:00,S001,1,2,3",
            " 2024-01-02 09:06:00,S002,1,2,3,4",
            "not a time,S002,1,2,3,4",
            "2024-01-02 09:07:00,\"S0\"\"9\",1,2,3,4",
            "2024-01-02 09:07:00, S004,1,2,3,4",
            "",
            .. Minutes(3, 2, firstMinute: 8),
        ];
        var asList = new List<FeedRecord>();
        var listParser = Parser();
        for (int i = 0; i < lines.Length; i++) listParser.Parse(lines[i], i + 1, asList);

        var pooled = new List<FeedRecord>();
        ParsePooled(Parser(), new RecordBatchPool(4), lines, pooled);

        Assert.Equal(asList.Select(Described), pooled.Select(Described));
        Assert.Equal(6, asList.OfType<Rejected>().Count());
    }

    [Fact]
    public void A_pooled_tick_keeps_its_times_text_only_where_the_format_would_write_it_otherwise()
    {
        var parser = Parser();
        var batch = new RecordBatchPool(8).Rent();
        parser.Parse("2024-01-02 09:30:00,A,1,2,3,4", 1, batch, 0);
        parser.Parse(" 2024-01-02 09:31:00,A,1,2,3,4", 2, batch, 0);

        var ticks = batch.Records.ToArray().Cast<Tick>().ToArray();
        Assert.Null(ticks[0].RawTimestampIfGiven);
        Assert.Equal("2024-01-02 09:30:00", ticks[0].RawTimestamp);
        Assert.Equal(" 2024-01-02 09:31:00", ticks[1].RawTimestampIfGiven);
    }

    [Fact]
    public void An_accepted_line_of_a_known_series_parsed_into_a_pooled_batch_allocates_nothing()
    {
        var parser = Parser();
        var pool = new RecordBatchPool(64);
        // Every series known and every batch made once, as in a replay's steady state; the lines are text already read.
        ParsePooled(parser, pool, Minutes(100, 5));
        var lines = Minutes(100, 20, firstMinute: 5);

        long before = GC.GetAllocatedBytesForCurrentThread();
        ParsePooled(parser, pool, lines);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
    }

    [Fact]
    public void A_wide_row_of_known_series_parsed_into_a_pooled_batch_allocates_nothing()
    {
        var parser = new RecordParser(new FeedSchema { Format = FeedFormat.Wide, TimestampColumn = "date", Features = ["close"] });
        parser.Parse("date," + string.Join(',', Enumerable.Range(0, 30).Select(s => $"T{s}")), 0, new List<FeedRecord>());
        string[] Days(int first, int count) => Enumerable.Range(first, count)
            .Select(day => new DateTime(2000, 1, 1).AddDays(day).ToString("yyyy-MM-dd") + "," + string.Join(',', Enumerable.Range(0, 30).Select(s => $"{s + day * 0.5}")))
            .ToArray();
        var pool = new RecordBatchPool(64);
        ParsePooled(parser, pool, Days(0, 10));
        var rows = Days(10, 100);

        long before = GC.GetAllocatedBytesForCurrentThread();
        ParsePooled(parser, pool, rows);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
    }

    [Fact]
    public void A_JSON_line_of_a_known_series_parsed_into_a_pooled_batch_allocates_nothing()
    {
        var parser = new RecordParser(new FeedSchema { Format = FeedFormat.JsonLines, SeriesColumn = "id", Features = ["hr", "temp"] });
        string[] Minutes(int first, int count) => Enumerable.Range(first, count)
            .SelectMany(minute => Enumerable.Range(0, 100).Select(p =>
                $"{{\"timestamp\":\"2024-03-01T{minute / 60:D2}:{minute % 60:D2}:00Z\",\"id\":\"P{p:D3}\",\"hr\":{60 + p % 40},\"temp\":\"{36 + minute * 0.01:F2}\",\"note\":[1,{{\"x\":\"\\u00e9\"}}]}}"))
            .ToArray();
        var pool = new RecordBatchPool(64);
        ParsePooled(parser, pool, Minutes(0, 5));
        var lines = Minutes(5, 20);

        long before = GC.GetAllocatedBytesForCurrentThread();
        ParsePooled(parser, pool, lines);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
    }
}
