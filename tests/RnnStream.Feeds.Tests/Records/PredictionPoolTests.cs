using RnnStream.Feeds.Records;
using Xunit;

namespace RnnStream.Feeds.Tests.Records;

public sealed class PredictionPoolTests
{
    private static readonly string[] Features = ["close"];

    /// <summary>Fills slot <paramref name="index"/> as a key group does: the values first, then the rest.</summary>
    private static Prediction Fill(PredictionPool pool, PredictionBatch batch, int index, float first, bool matured)
    {
        var prediction = pool.At(batch, index);
        int length = matured ? Prediction.MaturedLength(1) : 3;
        var values = prediction.ValuesToFill(length);
        for (int i = 0; i < length; i++) values[i] = first + i;
        prediction.Refill($"s{index}", $"t{first}", default, null, null, Features, length, 7, "network", 0, (long)first);
        return prediction;
    }

    [Fact]
    public void A_batch_given_back_is_handed_out_again_whole_with_its_predictions_made_again_in_place_with_the_new_values_only()
    {
        var pool = new PredictionPool();
        var batch = pool.Rent(3);
        var matured = Fill(pool, batch, 0, 10, matured: true);
        var second = Fill(pool, batch, 1, 20, matured: false);
        batch.Seal(2, 0);
        Assert.Equal([matured, second], batch.Predictions.ToArray());
        Assert.Equal([10f, 11, 12, 13, 14, 15, 16, 17, 18], matured.Values.ToArray());
        Assert.NotNull(matured.Matured);
        Assert.Equal(2, pool.Made);

        batch.GiveBack();
        var again = pool.Rent(2);
        Assert.Same(batch, again);
        var refilled = Fill(pool, again, 0, 30, matured: false);
        again.Seal(1, 0);

        Assert.Same(matured, refilled);
        Assert.Equal([refilled], again.Predictions.ToArray());
        Assert.Equal([30f, 31, 32], refilled.Values.ToArray());
        Assert.Null(refilled.Matured);
        Assert.Equal(("s0", "t30", 30L), (refilled.SeriesId, refilled.Timestamp, refilled.Offset));
        Assert.Equal(2, pool.Made);
    }

    [Fact]
    public void A_batch_nobody_gives_back_is_never_handed_out_again_and_giving_back_twice_returns_it_once()
    {
        var pool = new PredictionPool();
        var kept = pool.Rent(16);
        var keptPrediction = Fill(pool, kept, 0, 1, matured: false);
        kept.Seal(1, 0);
        var other = pool.Rent(16);
        Assert.NotSame(kept, other);

        other.GiveBack();
        other.GiveBack();
        Assert.Same(other, pool.Rent(16));
        var fresh = pool.Rent(16);
        Assert.NotSame(other, fresh);
        Assert.NotSame(kept, fresh);
        Assert.NotSame(keptPrediction, Fill(pool, fresh, 0, 2, matured: false));
        Assert.Equal([1f, 2, 3], keptPrediction.Values.ToArray());
    }

    [Fact]
    public void Arrays_come_in_powers_of_two_and_only_as_many_free_ones_are_kept_as_asked()
    {
        // Room for one free batch of 32 (the size 20 rounds up to; it holds 17 at its fewest).
        var pool = new PredictionPool(keepPredictionsPerSize: 32);
        Assert.Equal([16, 16, 32, 32, 64], new[] { 1, 16, 17, 32, 33 }.Select(count => pool.Rent(count).Capacity));

        var first = pool.Rent(20);
        var second = pool.Rent(20);
        first.GiveBack();
        second.GiveBack();
        Assert.Same(first, pool.Rent(20));
        Assert.NotSame(second, pool.Rent(20));
    }

    [Fact]
    public void What_is_kept_of_each_size_is_counted_in_the_fewest_predictions_its_batches_hold_so_every_one_tick_answer_in_flight_comes_back()
    {
        var pool = new PredictionPool(keepPredictionsPerSize: 64);
        // Answers of one tick each, as many as the bound on ticks in flight lets out, and a few more.
        var single = Enumerable.Range(0, 70).Select(_ => pool.Rent(1)).ToArray();
        var large = Enumerable.Range(0, 2).Select(_ => pool.Rent(64)).ToArray();
        foreach (var batch in single.Concat(large)) batch.GiveBack();

        // 64 batches of one are 64 predictions, and one of 64 (33 at its fewest) is: the rest go to the collector.
        var again = Enumerable.Range(0, 64).Select(_ => pool.Rent(1)).ToArray();
        Assert.Equal(single.Take(64).ToHashSet(), again.ToHashSet());
        var beyond = pool.Rent(1);
        Assert.DoesNotContain(single, batch => ReferenceEquals(batch, beyond));
        Assert.Same(large[0], pool.Rent(64));
        var third = pool.Rent(64);
        Assert.DoesNotContain(large, batch => ReferenceEquals(batch, third));
    }

    [Fact]
    public void A_batch_larger_than_the_largest_size_is_of_its_exact_count_and_never_comes_back()
    {
        var pool = new PredictionPool();
        int count = (16 << 13) + 1;
        var huge = pool.Rent(count);
        Assert.Equal(count, huge.Capacity);
        huge.GiveBack();
        Assert.NotSame(huge, pool.Rent(count));
    }

    [Fact]
    public void A_seal_past_the_slots_or_with_more_failed_than_filled_is_refused()
    {
        var batch = new PredictionPool().Rent(16);
        Assert.Throws<ArgumentOutOfRangeException>(() => batch.Seal(17, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => batch.Seal(2, 3));
        batch.Seal(16, 16);
        Assert.Equal((16, 16), (batch.Count, batch.Failed));
    }

    [Fact]
    public void A_prediction_made_once_is_never_filled_again_nor_taken_for_the_pools_own()
    {
        var pool = new PredictionPool();
        var own = new Prediction("s", "t", null, null, Features, [1, 2, 3], 1, "network", 0, 0);
        Assert.Throws<InvalidOperationException>(() => own.ValuesToFill(3));
        Assert.Throws<InvalidOperationException>(() => own.Refill("s", "t", default, null, null, Features, 3, 1, "network", 0, 0));

        var batch = pool.Rent(1);
        batch.Slots[0] = own;
        Assert.NotSame(own, pool.At(batch, 0));
        Assert.Equal([1f, 2, 3], own.Values.ToArray());
    }

    [Fact]
    public void A_refill_whose_length_fits_no_prediction_is_refused()
    {
        var pool = new PredictionPool();
        var prediction = pool.At(pool.Rent(1), 0);
        prediction.ValuesToFill(3);
        Assert.Throws<ArgumentException>(() => prediction.Refill("s", "t", default, null, null, Features, 4, 1, "network", 0, 0));
        Assert.Throws<ArgumentException>(() => prediction.Refill("s", "t", default, null, null, Features, Prediction.MaturedLength(1), 1, "network", 0, 0));
    }

    [Fact]
    public void A_tick_whose_time_came_without_text_has_it_written_in_the_feeds_format_when_asked_and_without_a_format_it_is_refused()
    {
        var pool = new PredictionPool();
        var prediction = pool.At(pool.Rent(1), 0);
        prediction.ValuesToFill(3);
        var format = TimestampFormat.Pattern("yyyy-MM-dd HH:mm");
        var time = new DateTime(2024, 3, 5, 9, 31, 0);
        prediction.Refill("s", null, time, time.AddMinutes(1), format, Features, 3, 1, "network", 0, 0);
        Assert.Equal(("2024-03-05 09:31", "2024-03-05 09:32"), (prediction.Timestamp, prediction.TargetTimestamp));

        Assert.Throws<ArgumentException>(() => prediction.Refill("s", null, time, null, null, Features, 3, 1, "network", 0, 0));
    }
}
