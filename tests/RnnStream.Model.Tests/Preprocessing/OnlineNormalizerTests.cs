using MathNet.Numerics.Statistics;
using RnnStream.Model.Preprocessing;
using Xunit;

namespace RnnStream.Model.Tests.Preprocessing;

public sealed class OnlineNormalizerTests
{
    [Fact]
    public void Without_forgetting_it_matches_MathNet_running_statistics()
    {
        var random = new Random(1);
        var normalizer = new OnlineNormalizer(2);
        var first = new RunningStatistics();
        var second = new RunningStatistics();
        for (int i = 0; i < 5000; i++)
        {
            float a = (float)(100 + 15 * Signals.Gaussian(random));
            float b = (float)(-3 + 0.01 * Signals.Gaussian(random));
            normalizer.Update([a, b]);
            first.Push(a);
            second.Push(b);
        }
        Assert.Equal(first.Mean, normalizer.Mean(0), 9);
        Assert.Equal(first.PopulationVariance, normalizer.Variance(0), 6);
        Assert.Equal(second.Mean, normalizer.Mean(1), 9);
        Assert.Equal(second.PopulationVariance, normalizer.Variance(1), 12);
    }

    [Fact]
    public void Normalize_then_denormalize_gives_the_value_back()
    {
        var normalizer = new OnlineNormalizer(3);
        var random = new Random(2);
        for (int i = 0; i < 100; i++) normalizer.Update([(float)random.NextDouble() * 50, (float)random.NextDouble(), 7f]);
        float[] value = [31.5f, 0.25f, 7f];
        var z = new float[3];
        normalizer.Normalize(value, z);
        for (int f = 0; f < 3; f++) Assert.Equal(value[f], normalizer.Denormalize(f, z[f]), 4);
        Assert.Equal(0f, z[2]);
    }

    [Fact]
    public void With_forgetting_it_follows_a_level_shift_that_full_memory_averages_away()
    {
        var forgetting = new OnlineNormalizer(1, forgetting: 0.99);
        var full = new OnlineNormalizer(1);
        for (int i = 0; i < 2000; i++)
        {
            float x = i < 1000 ? 0f : 10f;
            forgetting.Update([x]);
            full.Update([x]);
        }
        Assert.InRange(forgetting.Mean(0), 9.99, 10.0);
        Assert.InRange(full.Mean(0), 4.99, 5.01);
    }

    [Fact]
    public void The_scale_is_one_until_two_values_and_never_zero()
    {
        var normalizer = new OnlineNormalizer(1);
        Assert.Equal(1.0, normalizer.Scale(0));
        normalizer.Update([5f]);
        Assert.Equal(1.0, normalizer.Scale(0));
        normalizer.Update([5f]);
        Assert.Equal(normalizer.MinimumStdDev, normalizer.Scale(0));
    }
}
