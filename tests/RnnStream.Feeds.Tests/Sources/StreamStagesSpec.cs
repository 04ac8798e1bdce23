using Akka.Configuration;
using Akka.Streams;
using Akka.Streams.Dsl;
using Akka.Streams.TestKit;
using Akka.TestKit;
using RnnStream.Feeds.Parsing;
using RnnStream.Feeds.Records;
using RnnStream.Feeds.Sources;
using Xunit;

namespace RnnStream.Feeds.Tests.Sources;

public sealed class StreamStagesSpec() : Akka.TestKit.Xunit2.TestKit(ConfigurationFactory.ParseString(
    "akka.scheduler.implementation = \"Akka.TestKit.TestScheduler, Akka.TestKit\""))
{
    private static readonly TimestampFormat Format = TimestampFormat.Pattern("yyyy-MM-dd HH:mm:ss");

    private static Tick At(int seconds) =>
        new("s", new DateTime(2024, 1, 1).AddSeconds(seconds), seconds.ToString(), [1f], seconds, Format);

    [Fact]
    public async Task A_files_records_read_in_batches_are_those_parsed_line_by_line_in_the_same_order()
    {
        string path = Path.GetTempFileName();
        try
        {
            string header = "timestamp,ticker,close";
            File.WriteAllLines(path, [header, "2024-01-02 09:30:00,A,1", "2024-01-02 09:30:00,B,x", "2024-01-02 09:31:00,A,2", "",
                "2024-01-02 09:29:00,A,3", "2024-01-02 09:32:00,B,4", "2024-01-02 09:33:00,A,5"]);
            // Each path its own parser (a parser remembers each series' last time), each told the header first, as a file feed's layout is.
            RecordParser Parser()
            {
                var parser = new RecordParser(new FeedSchema { SeriesColumn = "ticker" });
                parser.Parse(header, 0, new List<FeedRecord>());
                return parser;
            }
            var lines = File.ReadAllLines(path).Select((text, i) => new RawLine(text, i)).Skip(1);
            var oneByOne = await Source.From(lines).Via(ParsingFlow.Create(Parser())).RunWith(Sink.Seq<FeedRecord>(), Sys.Materializer());

            var batches = await FileFeed.Records(path, skipFirst: 1, Parser(), size: 3).RunWith(Sink.Seq<RecordBatch>(), Sys.Materializer());

            Assert.Equal([3, 3, 1], batches.Select(b => b.Count));
            var batched = batches.SelectMany(b => b).ToList();
            Assert.Equal(oneByOne.Select(Described), batched.Select(Described));
            Assert.Equal(4, batched.OfType<Tick>().Count());
            Assert.Equal(3, batched.OfType<Rejected>().Count());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData(7, new[] { 6, 6, 3 })]
    [InlineData(4, new[] { 3, 3, 3, 3, 3 })]
    [InlineData(2, new[] { 3, 3, 3, 3, 3 })]
    public async Task A_batch_is_counted_in_records_and_never_splits_a_wide_row_of_many_series(int size, int[] expected)
    {
        string path = Path.GetTempFileName();
        try
        {
            File.WriteAllLines(path, ["date,A,B,C", .. Enumerable.Range(1, 5).Select(day => $"2024-01-{day:D2},1,2,3")]);
            var parser = new RecordParser(new FeedSchema { Format = FeedFormat.Wide, TimestampColumn = "date", Features = ["close"] });
            parser.Parse("date,A,B,C", 0, new List<FeedRecord>());

            var batches = await FileFeed.Records(path, skipFirst: 1, parser, size).RunWith(Sink.Seq<RecordBatch>(), Sys.Materializer());

            // Three ticks a row: as many whole rows as the size holds, and a row wider than the size a batch of its own.
            Assert.Equal(expected, batches.Select(b => b.Count));
            Assert.Equal(Enumerable.Range(1, 5).SelectMany(day => Enumerable.Repeat((long)day, 3)), batches.SelectMany(b => b).Select(r => r.Offset));
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static string Described(FeedRecord record) => record switch
    {
        Tick tick => $"tick {tick.Offset} {tick.SeriesId} {tick.RawTimestamp} {string.Join(' ', tick.Values)}",
        Rejected rejected => $"rejected {rejected.Offset} {rejected.Reason}",
        _ => record.ToString(),
    };

    [Fact]
    public void Real_time_pacing_releases_ticks_at_event_time_over_speed_in_virtual_time()
    {
        var scheduler = (TestScheduler)Sys.Scheduler;
        var (source, sink) = this.SourceProbe<FeedRecord>().Via(EventTimePacing.Create(speed: 60)).ToMaterialized(this.SinkProbe<FeedRecord>(), Keep.Both).Run(Sys.Materializer());
        sink.Request(10);
        source.SendNext(At(0));
        source.SendNext(At(60));
        source.SendNext(new Rejected("x", RejectReason.EmptyLine, "", 99));
        source.SendNext(At(120));

        Assert.Equal(0, ((Tick)sink.ExpectNext()).Offset);
        sink.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        scheduler.Advance(TimeSpan.FromMilliseconds(999));
        sink.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        scheduler.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(60, ((Tick)ExpectNextAdvancing(sink, scheduler)).Offset);
        Assert.IsType<Rejected>(sink.ExpectNext());
        sink.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        scheduler.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(120, ((Tick)ExpectNextAdvancing(sink, scheduler)).Offset);
        source.SendComplete();
        sink.ExpectComplete();
    }

    /// <summary>
    /// The next element once its time has come. The stage reads the clock and then registers its
    /// timer; when a test's Advance falls between the two, the timer counts from the advanced clock
    /// and is due one delay later, so virtual time is moved on by a second at most twice more
    /// (never earlier than due: every check before this one saw nothing).
    /// </summary>
    private static FeedRecord ExpectNextAdvancing(Akka.Streams.TestKit.TestSubscriber.Probe<FeedRecord> sink, TestScheduler scheduler)
    {
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                return sink.ExpectNext(TimeSpan.FromMilliseconds(500));
            }
            catch (Exception) when (attempt < 2)
            {
                scheduler.Advance(TimeSpan.FromSeconds(1));
            }
        }
    }
}
