using Akka.Streams;
using Akka.Streams.Dsl;
using Akka.Streams.TestKit;
using RnnStream.Feeds.Records;
using RnnStream.Feeds.Sources;
using RnnStream.Feeds.Tests.Records;
using Xunit;

namespace RnnStream.Feeds.Tests.Sources;

public sealed class RecordBatchesSpec() : Akka.TestKit.Xunit2.TestKit()
{
    private static Tick At(long offset) => SampleTicks.At(offset);

    private static long[] Offsets(RecordBatch batch) => batch.Select(r => r.Offset).ToArray();

    private (TestPublisher.Probe<FeedRecord> Feed, TestSubscriber.Probe<RecordBatch> Batches) Materialize(int size) =>
        this.SourceProbe<FeedRecord>().Via(RecordBatches.Gather(size)).ToMaterialized(this.SinkProbe<RecordBatch>(), Keep.Both)
            .WithAttributes(Attributes.CreateInputBuffer(1, 1))
            .Run(Sys.Materializer());

    [Fact]
    public void A_record_that_comes_while_the_stream_waits_goes_on_at_once_in_a_batch_of_its_own()
    {
        var (feed, batches) = Materialize(size: 4);
        batches.Request(2);
        feed.SendNext(At(0));
        Assert.Equal([0L], Offsets(batches.ExpectNext()));
        feed.SendNext(At(1));
        Assert.Equal([1L], Offsets(batches.ExpectNext()));
    }

    [Fact]
    public void While_the_stream_is_busy_records_are_read_ahead_up_to_a_batch_and_handed_over_together_in_order()
    {
        var (feed, batches) = Materialize(size: 3);
        batches.EnsureSubscription();
        // Nothing asked for downstream: the stage reads ahead three records (and the buffer in front of it one more), then no further.
        for (int offset = 0; offset < 4; offset++)
        {
            feed.ExpectRequest();
            feed.SendNext(At(offset));
        }
        feed.ExpectNoMsg(TimeSpan.FromMilliseconds(100));

        batches.Request(1);
        Assert.Equal([0L, 1, 2], Offsets(batches.ExpectNext()));
        // Room again: the one waiting in the buffer comes in, and the feed is asked for more.
        feed.ExpectRequest();
        feed.SendNext(At(4));
        feed.SendComplete();
        batches.Request(5);
        // The feed's end waits until what was read ahead has gone on.
        Assert.Equal([3L, 4], Offsets(batches.ExpectNext()));
        batches.ExpectComplete();
    }

    [Fact]
    public void A_feed_that_ends_with_nothing_gathered_completes_the_batches_at_once()
    {
        var (feed, batches) = Materialize(size: 3);
        batches.Request(1);
        feed.SendComplete();
        batches.ExpectComplete();
    }
}
