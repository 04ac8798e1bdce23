using RnnStream.Feeds.Records;
using Xunit;

namespace RnnStream.Feeds.Tests.Records;

public sealed class PooledRecordsTests
{
    private static readonly TimestampFormat Format = TimestampFormat.Pattern("yyyy-MM-dd HH:mm");
    private static readonly DateTime Monday = new(2024, 1, 1);

    [Fact]
    public void A_released_tick_is_rented_again_for_the_next_observation_and_a_copy_keeps_its_own_values()
    {
        var pool = new TickPool(2);
        var first = pool.Rent("a", Monday, "2024-01-01 00:00", 7, Format, 11);
        first.Values[0] = 1;
        var copy = first with { ReceivedAt = 12 };

        first.Release();
        var second = pool.Rent("b", Monday.AddMinutes(1), "2024-01-01 00:01", 8, Format, 13);
        second.Values[0] = 9;

        Assert.Same(first, second);
        Assert.Equal(("b", Monday.AddMinutes(1), "2024-01-01 00:01", 8L, 13L), (second.SeriesId, second.Timestamp, second.RawTimestamp, second.Offset, second.ReceivedAt));
        Assert.Equal(("a", 7L, 12L, 1f), (copy.SeriesId, copy.Offset, copy.ReceivedAt, copy.Values[0]));
    }

    [Fact]
    public void A_tick_given_back_twice_is_rented_once_and_one_made_with_new_never()
    {
        var pool = new TickPool(2);
        var rented = pool.Rent("a", Monday, "x", 0, Format, 0);
        rented.Release();
        rented.Release();
        var made = new Tick("b", Monday, "x", [0f, 0f], 1, Format);
        made.Release();

        var once = pool.Rent("a", Monday, "x", 2, Format, 0);
        var again = pool.Rent("a", Monday, "x", 3, Format, 0);

        Assert.Same(rented, once);
        Assert.NotSame(rented, again);
        Assert.NotSame(made, again);
    }

    [Fact]
    public void A_prediction_is_reused_only_once_released_and_then_shows_its_new_tick_alone()
    {
        var pool = new PredictionPool(["close"]);
        float[] matured = [1, 0.5f, 1.5f, 2, 1, 0.5f, 1.5f, 1.8f, 1.1f];
        var withOutcome = pool.Rent("s", "t0", Monday, Format, matured, 3, "network", 5, 10);
        var plain = pool.Rent("s", "t1", Monday, Format, [4, 3, 5], 3, "network", 6, 11);
        Assert.NotSame(withOutcome, plain);

        withOutcome.Release();
        var reused = pool.Rent("r", "t2", null, null, [7, 6, 8], 4, "persistence", 7, 12);

        Assert.Same(withOutcome, reused);
        Assert.Equal([7f, 6f, 8f], reused.Values.ToArray());
        Assert.Null(reused.Matured);
        Assert.Equal(("r", "t2", (DateTime?)null, 4L, "persistence", 7L, 12L), (reused.SeriesId, reused.Timestamp, reused.TargetTime, reused.WeightsVersion, reused.Forecaster, reused.ReceivedAt, reused.Offset));
        Assert.Equal([4f, 3f, 5f], plain.Values.ToArray());
    }

    [Fact]
    public void Predictions_given_back_on_another_thread_come_back_in_whole_batches()
    {
        var pool = new PredictionPool(["close"]);
        var rented = Enumerable.Range(0, 200).Select(i => pool.Rent("s", "t", null, null, [i, i, i], 1, "network", 0, i)).ToList();

        // The output's thread gives them back; the key group's (this one) takes them again.
        var output = new Thread(() => rented.ForEach(prediction => prediction.Release()));
        output.Start();
        output.Join();
        var again = Enumerable.Range(0, 200).Select(i => pool.Rent("s", "t", null, null, [i, i, i], 1, "network", 0, i)).ToList();

        var first = rented.ToHashSet(ReferenceEqualityComparer.Instance);
        // Three whole batches of 64 came across; the last 8 wait in the output thread's batch until it fills.
        Assert.Equal(192, again.Count(first.Contains));
        Assert.Equal(200, again.Distinct(ReferenceEqualityComparer.Instance).Count());
    }
}
