using RnnStream.Feeds.Records;
using Xunit;

namespace RnnStream.Feeds.Tests.Records;

public sealed class PredictionPoolTests
{
    private static readonly string[] Features = ["close", "volume"];

    private static Prediction Filled(PredictionPool pool, float first, bool matured)
    {
        var prediction = pool.Rent();
        var values = prediction.Filling;
        int length = matured ? Prediction.MaturedLength(2) : 6;
        for (int i = 0; i < length; i++) values[i] = first + i;
        return prediction.Publish("s1", "2024-01-01 00:00", null, null, length, 3, "network", 7, 11);
    }

    [Fact]
    public void A_released_prediction_is_rented_again_and_shows_only_what_it_was_filled_with_the_second_time()
    {
        var pool = new PredictionPool(Features);
        var first = Filled(pool, 100, matured: true);
        Assert.NotNull(first.Matured);
        first.Release();
        Assert.Equal(1, pool.Waiting);

        var second = Filled(pool, 0, matured: false);
        Assert.Same(first, second);
        Assert.Equal([0f, 1, 2, 3, 4, 5], second.Values.ToArray());
        // The first use's outcome is still in the array, past the values this use published: it must not show.
        Assert.Null(second.Matured);
        Assert.Equal([2f, 3], second.Lower.ToArray());
    }

    [Fact]
    public void Releasing_twice_or_filling_a_published_prediction_throws_instead_of_letting_two_ticks_share_it()
    {
        var pool = new PredictionPool(Features);
        var prediction = Filled(pool, 0, matured: false);
        Assert.Throws<InvalidOperationException>(() => prediction.Filling.Length);
        Assert.Throws<InvalidOperationException>(() => prediction.Publish("s1", "t", null, null, 6, 1, "network", 0, 0));
        prediction.Release();
        var error = Assert.Throws<InvalidOperationException>(prediction.Release);
        Assert.Contains("released twice", error.Message);
        Assert.Equal(1, pool.Waiting);
    }

    [Fact]
    public void A_copy_keeps_its_values_when_the_original_is_reused_and_a_constructed_prediction_ignores_release()
    {
        var pool = new PredictionPool(Features);
        var original = Filled(pool, 10, matured: true);
        var kept = original.Copy();
        original.Release();
        Filled(pool, -50, matured: false);

        Assert.Equal(Enumerable.Range(10, 18).Select(i => (float)i), kept.Values.ToArray());
        Assert.Equal("s1", kept.SeriesId);
        kept.Release();
        kept.Release();
        Assert.Equal(0, pool.Waiting);
    }

    [Fact]
    public void A_prediction_of_no_pool_is_filled_and_published_like_a_rented_one()
    {
        var prediction = Prediction.ToFill(Features);
        prediction.Filling[..6].Fill(1.5f);
        prediction.Publish("s2", "t", null, null, 6, 1, "persistence", 0, 4);
        Assert.Equal(6, prediction.Values.Length);
        Assert.Equal("s2", prediction.SeriesId);
        prediction.Release();
        Assert.Throws<ArgumentException>(() => Prediction.ToFill(Features).Publish("s", "t", null, null, 5, 1, "network", 0, 0));
    }
}
