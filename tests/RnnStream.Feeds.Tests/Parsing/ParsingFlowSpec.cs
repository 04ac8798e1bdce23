using Akka.Streams;
using Akka.Streams.Dsl;
using Akka.Streams.TestKit;
using RnnStream.Feeds.Parsing;
using RnnStream.Feeds.Records;
using RnnStream.Feeds.Sources;
using Xunit;

namespace RnnStream.Feeds.Tests.Parsing;

/// <summary>Runs of lines as a socket hands them over, parsed into pooled batches as they come (<see cref="ParsingFlow.Batched"/>).</summary>
public sealed class ParsingFlowSpec() : Akka.TestKit.Xunit2.TestKit()
{
    private const string Columns = "timestamp,ticker,close";

    private static RecordParser Parser()
    {
        var parser = new RecordParser(new FeedSchema { SeriesColumn = "ticker" });
        parser.Parse(Columns, 0, new List<FeedRecord>());
        return parser;
    }

    private static RawLine Line(long offset, string ticker = "A") => new($"2024-01-02 09:{offset:D2}:00,{ticker},{offset}.5", offset);

    /// <summary>A line in a run of its own, as a connection that is waited for delivers it.</summary>
    private static LineRun Alone(RawLine line)
    {
        var run = LineRun.Of(Akka.Actor.ActorRefs.Nobody, [(line.Text, line.Truncated)]);
        run.FirstOffset = line.Offset;
        return run;
    }

    private (TestPublisher.Probe<LineRun> Lines, TestSubscriber.Probe<RecordBatch> Batches) Materialize(int size) =>
        this.SourceProbe<LineRun>().Via(ParsingFlow.Batched(Parser(), size)).ToMaterialized(this.SinkProbe<RecordBatch>(), Keep.Both)
            .WithAttributes(Attributes.CreateInputBuffer(1, 1))
            .Run(Sys.Materializer());

    private static string Described(FeedRecord record) => record switch
    {
        Tick tick => $"tick {tick.Offset} {tick.SeriesId} {tick.RawTimestamp} {string.Join(' ', tick.Values)}",
        Rejected rejected => $"rejected {rejected.Offset} {rejected.Reason} {rejected.Raw}",
        _ => record.ToString(),
    };

    [Fact]
    public void A_line_that_comes_while_the_stream_waits_goes_on_at_once_in_a_batch_of_its_own()
    {
        var (lines, batches) = Materialize(size: 4);
        batches.Request(2);
        lines.SendNext(Alone(Line(1)));
        Assert.Equal(["tick 1 A 2024-01-02 09:01:00 1.5"], batches.ExpectNext().Select(Described));
        lines.SendNext(Alone(Line(2)));
        Assert.Equal(["tick 2 A 2024-01-02 09:02:00 2.5"], batches.ExpectNext().Select(Described));
    }

    [Fact]
    public async Task While_the_stream_is_busy_lines_are_parsed_ahead_up_to_a_batch_and_give_the_records_one_at_a_time_would()
    {
        RawLine[] sent = [Line(1), Line(2, "B"), new RawLine("2024-01-02 09:03:00,A,x", 3), Line(4), new RawLine("2024-01-02 09:05:00,A,", 5, Truncated: true)];
        var (lines, batches) = Materialize(size: 3);
        batches.EnsureSubscription();
        // Nothing asked for downstream: the stage parses three lines ahead (and the buffer in front of it holds one more), then no further.
        for (int i = 0; i < 4; i++)
        {
            lines.ExpectRequest();
            lines.SendNext(Alone(sent[i]));
        }
        lines.ExpectNoMsg(TimeSpan.FromMilliseconds(100));

        batches.Request(1);
        var first = batches.ExpectNext();
        lines.ExpectRequest();
        lines.SendNext(Alone(sent[4]));
        lines.SendComplete();
        batches.Request(5);
        // The end waits until what was parsed ahead has gone on.
        var second = batches.ExpectNext();
        batches.ExpectComplete();

        var oneAtATime = await Source.From(sent).Via(ParsingFlow.Create(Parser())).RunWith(Sink.Seq<FeedRecord>(), Sys.Materializer());
        Assert.Equal([3, 2], new[] { first.Count, second.Count });
        Assert.Equal(oneAtATime.Select(Described), first.Concat(second).Select(Described));
        Assert.Equal([RejectReason.NonNumeric, RejectReason.TruncatedLine], first.Concat(second).OfType<Rejected>().Select(r => r.Reason));
    }

    [Fact]
    public void A_batch_the_router_is_through_comes_back_with_its_ticks_for_the_next_lines()
    {
        var (lines, batches) = Materialize(size: 4);
        batches.Request(1);
        lines.SendNext(Alone(Line(1)));
        var first = batches.ExpectNext();
        var tick = (Tick)first[0];
        // As the router does once every tick of the batch has gone on and been answered (none here went to a key group).
        first.Passed();

        batches.Request(1);
        lines.SendNext(Alone(Line(2)));
        var second = batches.ExpectNext();

        Assert.Same(first, second);
        Assert.Same(tick, second[0]);
        Assert.Equal("tick 2 A 2024-01-02 09:02:00 2.5", Described(second[0]));
    }

    [Fact]
    public void A_run_longer_than_a_batch_is_parsed_into_batches_in_order_and_goes_back_to_its_pool_after_its_last_line()
    {
        var pool = new LineRunPool();
        var run = pool.Rent();
        for (int i = 1; i <= 5; i++) run.Add(Line(i).Text);
        run.FirstOffset = 1;
        var (lines, batches) = Materialize(size: 2);
        batches.Request(1);
        lines.SendNext(run);
        Assert.Equal(["tick 1 A 2024-01-02 09:01:00 1.5", "tick 2 A 2024-01-02 09:02:00 2.5"], batches.ExpectNext().Select(Described));

        batches.Request(2);
        Assert.Equal(["tick 3 A 2024-01-02 09:03:00 3.5", "tick 4 A 2024-01-02 09:04:00 4.5"], batches.ExpectNext().Select(Described));
        Assert.Equal(["tick 5 A 2024-01-02 09:05:00 5.5"], batches.ExpectNext().Select(Described));
        Assert.Same(run, pool.Rent());
    }
}
