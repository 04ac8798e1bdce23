using Akka.Streams;
using Akka.Streams.Dsl;
using Akka.Streams.TestKit;
using RnnStream.Feeds.Parsing;
using RnnStream.Feeds.Records;
using RnnStream.Feeds.Tests.Records;
using Xunit;

namespace RnnStream.Feeds.Tests.Parsing;

public sealed class RejectDivertSpec() : Akka.TestKit.Xunit2.TestKit()
{
    private static Tick Good(long offset) => SampleTicks.At(offset);
    private static Rejected Bad(long offset) => new("raw", RejectReason.NonNumeric, "not a number", offset);

    private (TestPublisher.Probe<RecordBatch> Feed, TestSubscriber.Probe<Rejected> Quarantine, TestSubscriber.Probe<RecordBatch> Ticks) Materialize() =>
        this.SourceProbe<RecordBatch>()
            .ViaMaterialized(RejectDivert.To(this.SinkProbe<Rejected>()), Keep.Both)
            .ToMaterialized(this.SinkProbe<RecordBatch>(), (left, right) => (left.Item1, left.Item2, right))
            .Run(Sys.Materializer());

    private static long[] TickOffsets(RecordBatch batch) => batch.OfType<Tick>().Select(t => t.Offset).ToArray();

    [Fact]
    public void Ticks_go_on_and_rejects_to_the_quarantine_each_in_feed_order_and_completion_reaches_both()
    {
        var (feed, quarantine, ticks) = Materialize();
        ticks.Request(10);
        quarantine.Request(10);
        feed.SendNext(RecordBatch.Of(Good(1), Bad(2), Good(3))).SendNext(RecordBatch.Of(Bad(4), Bad(5))).SendNext(RecordBatch.Of(Good(6))).SendComplete();

        // The batch of rejects alone has nothing to go on with.
        Assert.Equal([1L, 3, 6], new[] { ticks.ExpectNext(), ticks.ExpectNext() }.SelectMany(TickOffsets));
        Assert.Equal([2L, 4, 5], new[] { quarantine.ExpectNext(), quarantine.ExpectNext(), quarantine.ExpectNext() }.Select(r => r.Offset));
        ticks.ExpectComplete();
        quarantine.ExpectComplete();
    }

    [Fact]
    public void A_quarantine_without_demand_holds_the_feed_at_its_reject_and_nothing_is_lost()
    {
        var (feed, quarantine, ticks) = Materialize();
        ticks.Request(10);
        feed.SendNext(RecordBatch.Of(Good(1))).SendNext(RecordBatch.Of(Bad(2))).SendNext(RecordBatch.Of(Good(3)));

        Assert.Equal([1L], TickOffsets(ticks.ExpectNext()));
        // The reject waits for the quarantine's demand, and the tick behind it waits behind the reject.
        ticks.ExpectNoMsg(TimeSpan.FromMilliseconds(100));

        quarantine.Request(1);
        Assert.Equal(2, quarantine.ExpectNext().Offset);
        Assert.Equal([3L], TickOffsets(ticks.ExpectNext()));
    }

    [Fact]
    public void A_batchs_ticks_go_on_only_after_every_reject_in_it_reached_the_quarantine_and_a_batch_without_rejects_goes_on_as_it_came()
    {
        var (feed, quarantine, ticks) = Materialize();
        ticks.Request(10);
        var mixed = RecordBatch.Of(Good(1), Bad(2), Good(3), Bad(4), Good(5));
        feed.SendNext(mixed);

        ticks.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        quarantine.Request(1);
        Assert.Equal(2, quarantine.ExpectNext().Offset);
        // One reject of the batch is still waiting for the quarantine: so is every tick after it, and with them the batch.
        ticks.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        quarantine.Request(1);
        Assert.Equal(4, quarantine.ExpectNext().Offset);
        Assert.Same(mixed, ticks.ExpectNext());

        var clean = RecordBatch.Of(Good(6), Good(7));
        feed.SendNext(clean);
        Assert.Same(clean, ticks.ExpectNext());
        quarantine.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
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
