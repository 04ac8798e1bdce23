using RnnStream.Feeds.Records;
using RnnStream.Feeds.Sources;
using Xunit;

namespace RnnStream.Feeds.Tests.Records;

public sealed class RecordBatchPoolTests
{
    private static readonly TimestampFormat Format = TimestampFormat.Pattern("yyyy-MM-dd HH:mm");

    /// <summary>Fills a rented batch with <paramref name="count"/> one-value ticks numbered from <paramref name="first"/>.</summary>
    private static RecordBatch Filled(RecordBatchPool pool, int count, long first)
    {
        var batch = pool.Rent();
        for (int i = 0; i < count; i++)
        {
            var tick = batch.NextTick(1);
            tick.Values[0] = first + i;
            tick.Refill($"s{i}", new DateTime(2024, 1, 1).AddMinutes(first + i), $"t{first + i}", first + i, Format, 0);
        }
        return batch;
    }

    /// <summary>What the router does with a batch: every tick to its key group, then through it.</summary>
    private static void Route(RecordBatch batch)
    {
        foreach (var record in batch) ((Tick)record).Home!.Dispatched();
        batch.Passed();
    }

    private static void Answer(RecordBatch batch)
    {
        foreach (var record in batch) ((Tick)record).Home!.Answered();
    }

    [Fact]
    public void A_batch_goes_back_only_when_the_router_is_through_it_and_every_tick_is_answered_and_its_ticks_are_then_made_again_in_place()
    {
        var pool = new RecordBatchPool(size: 4);
        var batch = Filled(pool, 3, first: 10);
        var ticks = batch.Cast<Tick>().ToList();
        Route(batch);
        ((Tick)batch[0]).Home!.Answered();
        ((Tick)batch[1]).Home!.Answered();
        Assert.NotSame(batch, pool.Rent());

        ((Tick)batch[2]).Home!.Answered();
        var again = Filled(pool, 2, first: 20);
        Assert.Same(batch, again);
        Assert.Equal(2, again.Count);
        Assert.Same(ticks[0], again[0]);
        Assert.Equal((20f, "t20", 20L), (ticks[0].Values[0], ticks[0].RawTimestamp, ticks[0].Offset));
        Assert.Equal(2, pool.Made);
    }

    [Fact]
    public void A_batch_with_a_tick_sent_to_another_node_never_goes_back_and_its_ticks_keep_their_values()
    {
        var pool = new RecordBatchPool(size: 4);
        var batch = Filled(pool, 2, first: 0);
        ((Tick)batch[0]).Home!.Dispatched();
        ((Tick)batch[1]).Home!.SentAway();
        batch.Passed();
        ((Tick)batch[0]).Home!.Answered();

        var next = Filled(pool, 2, first: 50);
        Assert.NotSame(batch, next);
        Assert.Equal([0f, 1f], batch.Cast<Tick>().Select(tick => tick.Values[0]));
    }

    [Fact]
    public void Ticks_answered_before_the_router_is_through_their_batch_hold_it_until_then()
    {
        var pool = new RecordBatchPool(size: 4);
        var batch = Filled(pool, 2, first: 0);
        // A batch larger than the bound on ticks in flight: its first ticks are answered while the router still stands in it.
        ((Tick)batch[0]).Home!.Dispatched();
        ((Tick)batch[0]).Home!.Answered();
        var other = pool.Rent();
        Assert.NotSame(batch, other);

        ((Tick)batch[1]).Home!.Dispatched();
        batch.Passed();
        Assert.NotSame(batch, pool.Rent());
        ((Tick)batch[1]).Home!.Answered();
        Assert.Same(batch, pool.Rent());
    }

    [Fact]
    public void A_batch_cut_down_by_a_resume_never_goes_back_and_its_ticks_keep_their_values()
    {
        var pool = new RecordBatchPool(size: 4);
        var batch = Filled(pool, 3, first: 0);
        var resumed = batch.Where(record => record.Offset > 0);
        Assert.False(resumed.IsPooled);

        Route(resumed);
        Answer(resumed);
        Assert.NotSame(batch, pool.Rent());
        Assert.Equal([1L, 2L], resumed.Select(record => record.Offset));
        Assert.Equal(2f, ((Tick)resumed[1]).Values[0]);
    }

    [Fact]
    public void A_tick_made_once_is_never_filled_again_and_a_batch_made_once_is_not_filled_tick_by_tick()
    {
        var tick = SampleTicks.At(3);
        Assert.Throws<InvalidOperationException>(() => tick.Refill("s", DateTime.UnixEpoch, "x", 4, Format, 0));
        Assert.Throws<InvalidOperationException>(() => RecordBatch.Of(tick).NextTick(1));
        var batch = RecordBatch.Of(tick);
        batch.Passed();
        Assert.Equal(3L, batch[0].Offset);

        var pool = new RecordBatchPool(size: 1);
        var full = Filled(pool, 1, first: 0);
        Assert.True(full.IsFull);
        Assert.Throws<InvalidOperationException>(() => full.NextTick(1));
    }

    /// <summary>A walk's ticks as text, taken from pooled batches of <paramref name="count"/> that are routed and answered as they come.</summary>
    private static List<string> Pooled(SyntheticWalk walk, RecordBatchPool pool, int count)
    {
        var ticks = new List<string>();
        while (!walk.Ended)
        {
            var batch = walk.NextBatch(pool, count);
            ticks.AddRange(batch.Select(record => Described((Tick)record)));
            Route(batch);
            Answer(batch);
        }
        return ticks;
    }

    // The time as the tick writes it: pooled ticks hold no text for it and write it when asked, as the feed's own ticks carry it.
    private static string Described(Tick tick) => $"{tick.SeriesId} {tick.Timestamp:O} {tick.RawTimestamp} {tick.Offset} {string.Join(",", tick.Values)}";

    [Fact]
    public void The_synthetic_price_feed_makes_the_same_bars_in_pooled_batches_as_one_by_one()
    {
        var pool = new RecordBatchPool(size: 4);
        var pooled = Pooled(new PriceWalk(7, 5, seed: 3), pool, count: 3);

        Assert.Equal(35, pooled.Count);
        Assert.Equal(SyntheticPrices.Generate(7, 5, seed: 3).Select(Described), pooled);
        Assert.Equal(1, pool.Made);
    }

    [Fact]
    public void The_synthetic_vitals_feed_makes_the_same_readings_in_pooled_batches_as_one_by_one()
    {
        var pool = new RecordBatchPool(size: 8);
        var pooled = Pooled(new VitalsWalk(5, 7, seed: 4), pool, count: 8);

        Assert.Equal(35, pooled.Count);
        Assert.Equal(SyntheticVitals.Generate(5, 7, seed: 4).Select(Described), pooled);
        Assert.Equal(1, pool.Made);
    }
}
