using RnnStream.Actors.Metrics;
using RnnStream.Actors.Training;

namespace RnnStream.Actors.Series;

/// <summary>What the series actors of a node share: the forecaster, the current weights, the replay buffer and, if kept, the run's per-series scores.</summary>
public sealed record SeriesContext(SeriesForecaster Forecaster, ModelRegistry Registry, ReplayBuffer Replay, RunMetrics? Metrics = null);
