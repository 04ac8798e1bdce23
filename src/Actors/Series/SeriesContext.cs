using RnnStream.Actors.Metrics;
using RnnStream.Actors.Training;
using RnnStream.Feeds.Records;

namespace RnnStream.Actors.Series;

/// <summary>
/// What the series actors of a node share: the forecaster, the current weights, the replay buffer
/// and, if kept, the run's per-series scores. The buffer and scores are node-local aggregates, filled
/// on the key groups' own threads: sending the windows back with the answers instead put their
/// sorting on the stream's thread and cost 8% of throughput (measured), so a trainer on another node
/// merges the nodes' buffers by message when it retrains. Predictions come from the node's pool
/// when it has one (the stream that takes the answers is on this node and gives them back).
/// </summary>
public sealed record SeriesContext(SeriesForecaster Forecaster, ModelRegistry Registry, ReplayBuffer Replay, RunMetrics? Metrics = null, PredictionPool? Predictions = null);
