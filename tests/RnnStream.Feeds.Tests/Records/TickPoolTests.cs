using RnnStream.Feeds.Records;
using Xunit;

namespace RnnStream.Feeds.Tests.Records;

public sealed class TickPoolTests
{
    private static readonly DateTime Time = new(2024, 1, 2, 9, 30, 0);

    [Fact]
    public void A_released_tick_is_rented_again_with_its_new_fields()
    {
        var pool = new TickPool(4);
        var first = pool.Rent("A", Time, "raw-1", 1, TimestampFormat.Seconds, 5);
        first.Values[0] = 1;
        first.Release();
        var second = pool.Rent("B", Time.AddMinutes(1), "raw-2", 2, TimestampFormat.Seconds, 6);

        Assert.Same(first, second);
        Assert.Equal(("B", "raw-2", 2L, 6L, 4), (second.SeriesId, second.RawTimestamp, second.Offset, second.ReceivedAt, second.Values.Length));
        Assert.Equal(0, pool.Waiting);
    }

    [Fact]
    public void A_copy_of_a_pooled_tick_has_its_own_values_and_is_nobodys_to_release()
    {
        var pool = new TickPool(2);
        var pooled = pool.Rent("A", Time, "raw", 1, TimestampFormat.Seconds, 0);
        pooled.Values[0] = 3;
        var copy = pooled with { ReceivedAt = 9 };
        pooled.Release();
        pool.Rent("B", Time, "raw", 2, TimestampFormat.Seconds, 0).Values[0] = -1;

        Assert.Equal(3, copy.Values[0]);
        Assert.Equal((9L, 1L), (copy.ReceivedAt, copy.Offset));
        copy.Release();
        Assert.Equal(0, pool.Waiting);
    }

    [Fact]
    public void Releasing_a_tick_twice_throws_and_an_unpooled_tick_ignores_release()
    {
        var pool = new TickPool(1);
        var tick = pool.Rent("A", Time, "raw", 1, TimestampFormat.Seconds, 0);
        tick.Release();
        Assert.Contains("released twice", Assert.Throws<InvalidOperationException>(tick.Release).Message);
        Assert.Equal(1, pool.Waiting);

        var plain = new Tick("A", Time, "raw", [1f], 1, TimestampFormat.Seconds);
        plain.Release();
        plain.Release();
    }
}
