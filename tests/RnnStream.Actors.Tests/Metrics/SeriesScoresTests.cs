using RnnStream.Actors.Metrics;
using RnnStream.Actors.Series;
using RnnStream.Model.Inference;
using RnnStream.Model.Specs;
using RnnStream.Model.Weights;
using Xunit;
using Xunit.Abstractions;

namespace RnnStream.Actors.Tests.Metrics;

public sealed class SeriesScoresTests(ITestOutputHelper log)
{
    private const double Alpha = 0.05, Z = 1.959964;

    /// <summary>A random walk of persistence forecasts through the real forecaster (its interval: the running residual spread), scored by a series' scores.</summary>
    private static SeriesScores Walk(Func<int, double> volatility, int steps, int seed)
    {
        var settings = Harness.DefaultSettings with { FeatureNames = ["x"], TargetIndices = [0], Forecaster = ForecasterChoice.Persistence, IntervalZ = Z };
        var network = new InferenceNetwork(WeightInitializer.Initialize(new ModelSpec(1, [new LayerSpec(CellType.Gru, 4)], 1), 1));
        var forecaster = new SeriesForecaster(settings);
        var state = forecaster.CreateState("s", network);
        var scores = new SeriesScores();
        var random = new Random(seed);
        double level = 1000;
        for (int t = 0; t < steps; t++)
        {
            double u1 = 1 - random.NextDouble(), u2 = random.NextDouble();
            level += volatility(t) * Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
            scores.Record(forecaster.Process(state, Ticks.At("s", t, (float)level), network, null), 0, Z, Alpha);
        }
        return scores;
    }

    [Fact]
    public void The_interval_score_is_the_width_plus_the_miss_weighted_by_two_over_alpha()
    {
        Assert.Equal(4, ForecastScore.IntervalScore(-2, 2, 1, Alpha), 12);
        Assert.Equal(4 + 2 / Alpha * 0.5, ForecastScore.IntervalScore(-2, 2, 2.5, Alpha), 12);
        Assert.Equal(4 + 2 / Alpha * 1, ForecastScore.IntervalScore(-2, 2, -3, Alpha), 12);
    }

    [Fact]
    public void With_steady_volatility_the_adaptive_interval_and_the_naive_one_score_alike()
    {
        var scored = Walk(_ => 1, 20_000, seed: 4).Scored;
        log.WriteLine($"steady: interval score vs naive {scored.RelativeIntervalScore:F3}, coverage {scored.Coverage:P1}, naive {scored.NaiveCoverage:P1}");
        Assert.InRange(scored.RelativeIntervalScore, 0.97, 1.04);
        Assert.InRange(scored.NaiveCoverage, 0.94, 0.96);
        Assert.InRange(scored.Coverage, 0.93, 0.96);
    }

    [Fact]
    public void When_volatility_comes_in_regimes_the_adaptive_interval_beats_the_naive_one()
    {
        // Calm (1) and storm (5) alternate every 1,000 steps: σ̂ of all past errors is too wide in the calm and too narrow in the storm.
        var scored = Walk(t => t / 1000 % 2 == 0 ? 1 : 5, 20_000, seed: 5).Scored;
        log.WriteLine($"regimes: interval score vs naive {scored.RelativeIntervalScore:F3}, coverage {scored.Coverage:P1}, naive {scored.NaiveCoverage:P1}");
        Assert.True(scored.RelativeIntervalScore < 0.85, $"interval score vs naive {scored.RelativeIntervalScore:F3}");
        Assert.InRange(scored.Coverage, 0.92, 0.97);
        Assert.Equal(20_000 - 1 - NaiveInterval.Warmup, scored.IntervalsCompared);
    }
}
