using RnnStream.Feeds.Records;
using Xunit;

namespace RnnStream.Feeds.Tests.Records;

public sealed class RecordBatchTests
{
    private static Tick At(long offset) => SampleTicks.At(offset);

    [Fact]
    public void A_batch_walks_its_records_in_order_up_to_its_count_and_an_array_of_ticks_serves_as_it_is()
    {
        Tick[] ticks = [At(0), At(1), At(2), At(3)];
        var batch = new RecordBatch(ticks, 3);

        var walked = new List<FeedRecord>();
        foreach (var record in batch) walked.Add(record);
        Assert.Equal(ticks.Take(3), walked);
        Assert.Equal(ticks.Take(3), batch.AsEnumerable());
        Assert.Throws<ArgumentOutOfRangeException>(() => batch[3]);
        Assert.Throws<ArgumentOutOfRangeException>(() => new RecordBatch(ticks, 5));
    }

    [Fact]
    public void Where_asks_once_per_record_in_order_keeps_the_order_and_is_the_batch_itself_when_all_are_kept()
    {
        var batch = RecordBatch.Of(At(0), new Rejected("x", RejectReason.EmptyLine, "", 1), At(2), At(3));

        var asked = new List<long>();
        Assert.Same(batch, batch.Where(record =>
        {
            asked.Add(record.Offset);
            return true;
        }));
        Assert.Equal([0L, 1, 2, 3], asked);

        asked.Clear();
        var kept = batch.Where(record =>
        {
            asked.Add(record.Offset);
            return record.Offset != 0 && record.Offset != 2;
        });
        Assert.Equal([0L, 1, 2, 3], asked);
        Assert.Equal([1L, 3], kept.Select(r => r.Offset));
        Assert.Empty(batch.Where(_ => false));
    }
}
