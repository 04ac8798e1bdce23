using Akka.Streams;
using Akka.Streams.Dsl;
using Akka.Streams.TestKit;
using RnnStream.Feeds.Parsing;
using RnnStream.Feeds.Records;
using Xunit;

namespace RnnStream.Feeds.Tests.Parsing;

public sealed class RejectDivertSpec() : Akka.TestKit.Xunit2.TestKit()
{
    private static readonly TimestampFormat Format = TimestampFormat.Pattern("yyyy-MM-dd HH:mm");

    private static Tick Good(long offset) => new("s", new DateTime(2024, 1, 1).AddMinutes(offset), "x", [1f], offset, Format);
    private static Rejected Bad(long offset) => new("raw", RejectReason.NonNumeric, "not a number", offset);

    private (TestPublisher.Probe<FeedRecord> Feed, TestSubscriber.Probe<Rejected> Quarantine, TestSubscriber.Probe<Tick> Ticks) Materialize() =>
        this.SourceProbe<FeedRecord>()
            .ViaMaterialized(RejectDivert.To(this.SinkProbe<Rejected>()), Keep.Both)
            .ToMaterialized(this.SinkProbe<Tick>(), (left, right) => (left.Item1, left.Item2, right))
            .Run(Sys.Materializer());

    [Fact]
    public void Ticks_go_on_and_rejects_to_the_quarantine_each_in_feed_order_and_completion_reaches_both()
    {
        var (feed, quarantine, ticks) = Materialize();
        ticks.Request(10);
        quarantine.Request(10);
        feed.SendNext(Good(1)).SendNext(Bad(2)).SendNext(Good(3)).SendNext(Bad(4)).SendNext(Bad(5)).SendNext(Good(6)).SendComplete();

        Assert.Equal([1L, 3, 6], new[] { ticks.ExpectNext(), ticks.ExpectNext(), ticks.ExpectNext() }.Select(t => t.Offset));
        Assert.Equal([2L, 4, 5], new[] { quarantine.ExpectNext(), quarantine.ExpectNext(), quarantine.ExpectNext() }.Select(r => r.Offset));
        ticks.ExpectComplete();
        quarantine.ExpectComplete();
    }

    [Fact]
    public void A_quarantine_without_demand_holds_the_feed_at_its_reject_and_nothing_is_lost()
    {
        var (feed, quarantine, ticks) = Materialize();
        ticks.Request(10);
        feed.SendNext(Good(1)).SendNext(Bad(2)).SendNext(Good(3));

        Assert.Equal(1, ticks.ExpectNext().Offset);
        // The reject waits for the quarantine's demand, and the tick behind it waits behind the reject.
        ticks.ExpectNoMsg(TimeSpan.FromMilliseconds(100));

        quarantine.Request(1);
        Assert.Equal(2, quarantine.ExpectNext().Offset);
        Assert.Equal(3, ticks.ExpectNext().Offset);
    }

    [Fact]
    public void A_cancelled_quarantine_stops_the_stage_and_cancels_the_feed()
    {
        var (feed, quarantine, ticks) = Materialize();
        ticks.Request(1);
        feed.ExpectRequest();
        quarantine.Cancel();
        feed.ExpectCancellation();
        ticks.ExpectComplete();
    }
}
