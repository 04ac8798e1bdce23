using RnnStream.Actors.Series;
using RnnStream.Feeds.Records;
using RnnStream.Model.Inference;
using RnnStream.Model.Specs;
using RnnStream.Model.Weights;
using Xunit;

namespace RnnStream.Actors.Tests.Series;

public sealed class SeriesForecasterTests
{
    private static readonly SeriesSettings Settings = Harness.DefaultSettings with { FeatureNames = ["x"], TargetIndices = [0], Forecaster = ForecasterChoice.Best, MinResiduals = 10 };

    private static List<Prediction> Run(SeriesSettings settings, Func<int, float> signal, int steps, int horizon = 1)
    {
        settings = settings with { Horizon = horizon };
        var network = new InferenceNetwork(WeightInitializer.Initialize(new ModelSpec(1, [new LayerSpec(CellType.Gru, 8)], 1, horizon), 3));
        var forecaster = new SeriesForecaster(settings);
        var state = forecaster.CreateState("s", network);
        return Enumerable.Range(0, steps).Select(t => forecaster.Process(state, Ticks.At("s", t, signal(t)), network, null)).ToList();
    }

    /// <summary>Changes with momentum (AR(1), φ = 0.9): persistence lags every turn; a regression on the last changes follows them.</summary>
    private static float[] MomentumSeries(int length)
    {
        var random = new Random(9);
        double level = 0, change = 0;
        return Enumerable.Range(0, length).Select(_ =>
        {
            change = 0.9 * change + (random.NextDouble() - 0.5);
            return (float)(level += change);
        }).ToArray();
    }

    [Fact]
    public void A_series_the_network_forecasts_worse_than_persistence_publishes_persistence()
    {
        // A slow ramp: persistence is off by one step's rise; the untrained network is far off.
        var predictions = Run(Settings, t => 100 + 0.1f * t, 200);
        Assert.All(predictions.Take(10), p => Assert.Equal(ForecasterNames.Persistence, p.Forecaster));
        Assert.All(predictions.Skip(20), p => Assert.Equal(ForecasterNames.Persistence, p.Forecaster));
        Assert.All(predictions.Skip(20), p => Assert.Equal(100 + 0.1f * (predictions.IndexOf(p)), p.Predicted[0], 3));
    }

    [Fact]
    public void A_series_where_persistence_is_worst_switches_to_the_network()
    {
        // Alternating ±1: persistence is always 2 off; anything near the mean does better.
        var predictions = Run(Settings, t => t % 2 == 0 ? 1f : -1f, 100);
        Assert.Equal(ForecasterNames.Persistence, predictions[5].Forecaster);
        Assert.All(predictions.Skip(30), p => Assert.Equal(ForecasterNames.Network, p.Forecaster));
    }

    [Fact]
    public void A_series_whose_changes_follow_their_own_past_gets_the_ridge_autoregression()
    {
        var values = MomentumSeries(400);
        var predictions = Run(Settings with { RidgeLags = 4 }, t => values[t], 400);

        Assert.All(predictions.Skip(200), p => Assert.Equal(ForecasterNames.Ridge, p.Forecaster));
        double ridgeError = predictions.Skip(200).Where(p => p.Matured is not null).Average(p => Math.Abs(p.Matured!.Value.Actual[0] - p.Matured.Value.Predicted[0]));
        double persistenceError = predictions.Skip(200).Where(p => p.Matured is not null).Average(p => Math.Abs(p.Matured!.Value.Actual[0] - p.Matured.Value.Persistence[0]));
        Assert.True(ridgeError < 0.6 * persistenceError, $"ridge {ridgeError:F3} vs persistence {persistenceError:F3}");
    }

    [Fact]
    public void The_blend_learns_to_trust_the_ridge_over_an_untrained_network_and_the_choice_publishes_the_lower_of_the_two()
    {
        // Long enough that the blend's first, untaught forecasts (large in normalized units while the
        // level's spread is still small) have faded from the choice's memory of about 100 forecasts.
        var values = MomentumSeries(1_200);
        var settings = Settings with { RidgeLags = 4 };
        var network = new InferenceNetwork(WeightInitializer.Initialize(new ModelSpec(1, [new LayerSpec(CellType.Gru, 8)], 1), 3));
        var forecaster = new SeriesForecaster(settings);
        var state = forecaster.CreateState("s", network);
        Prediction last = null!;
        for (int t = 0; t < values.Length; t++) last = forecaster.Process(state, Ticks.At("s", t, values[t]), network, null);

        // Weights on the (network, ridge) predicted changes: the untrained network's output carries no information about the change.
        Assert.InRange(state.BlendWeights[1], 0.8, 1.2);
        Assert.InRange(Math.Abs(state.BlendWeights[0]), 0, 0.2);
        // Blending in a useless input costs a little estimation noise, no more.
        Assert.True(state.CombinedError <= 1.1 * state.RidgeError, $"blend {state.CombinedError:F4} vs ridge {state.RidgeError:F4}");
        Assert.True(state.CombinedError < 0.7 * state.PersistenceError);
        Assert.Equal(state.CombinedError < state.RidgeError ? ForecasterNames.Blend : ForecasterNames.Ridge, last.Forecaster);
    }

    [Fact]
    public void Forecasts_are_scored_when_their_target_arrives_horizon_ticks_later()
    {
        var predictions = Run(Settings with { Forecaster = ForecasterChoice.Persistence }, t => t, 20, horizon: 3);
        Assert.All(predictions.Take(3), p => Assert.Null(p.Matured));
        for (int t = 3; t < 20; t++)
        {
            var outcome = predictions[t].Matured!.Value;
            Assert.Equal(t, outcome.Actual[0]);
            Assert.Equal(t - 3, outcome.Persistence[0]);
            Assert.Equal(predictions[t - 3].Predicted[0], outcome.Predicted[0]);
        }
        Assert.Equal(Ticks.Format.Format(Ticks.Start.AddMinutes(10 + 3)), predictions[10].TargetTimestamp);
    }

    [Fact]
    public void The_interval_follows_the_published_forecasters_residuals_and_flags_values_outside_it()
    {
        var random = new Random(4);
        var predictions = Run(Settings with { Forecaster = ForecasterChoice.Persistence }, t => t == 150 ? 100f : (float)random.NextDouble(), 200);
        var covered = predictions.Skip(20).Where(p => p.Matured is not null && p.Offset != 150 && p.Offset != 151).Count(p => !p.Anomaly);
        Assert.InRange(covered / 178.0, 0.85, 1.0);
        Assert.True(predictions[150].Anomaly);
    }
}
