using RnnStream.Actors.Metrics;
using RnnStream.Actors.Series;
using RnnStream.Feeds.Records;
using RnnStream.Model.Inference;
using RnnStream.Model.Specs;
using RnnStream.Model.Weights;

namespace RnnStream.Actors.Tests.Metrics;

/// <summary>Real forecasts of a few series, and their scoring as a run does it: by the series' partition, then by the stream.</summary>
internal static class ScoredForecasts
{
    public static readonly string[] Series = ["a", "b", "c"];

    /// <summary>The forecasts of <see cref="Series"/> through the real forecaster, in feed order.</summary>
    public static List<Prediction> Make(int steps)
    {
        var settings = Harness.DefaultSettings with { Forecaster = ForecasterChoice.Best };
        var network = new InferenceNetwork(WeightInitializer.Initialize(new ModelSpec(settings.NetworkInputs, [new LayerSpec(CellType.Gru, 4)], settings.Targets), 2));
        var forecaster = new SeriesForecaster(settings);
        var states = Series.ToDictionary(id => id, id => forecaster.CreateState(id, network));
        return Ticks.Interleaved(Series, steps).Select(tick => forecaster.Process(states[tick.SeriesId], tick, network, null)).ToList();
    }

    public static void Record(RunMetrics metrics, IEnumerable<Prediction> predictions)
    {
        foreach (var prediction in predictions)
        {
            metrics.ScoresFor(prediction.SeriesId).Record(prediction, metrics.ScoreFromOffset, metrics.IntervalZ, metrics.IntervalAlpha);
            metrics.Record(prediction, System.Diagnostics.Stopwatch.GetTimestamp());
        }
    }
}
