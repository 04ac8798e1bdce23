using RnnStream.Actors.Training;

namespace RnnStream.Actors.Series;

/// <summary>What the series actors of a node share: the forecaster, the current weights, the replay buffer and the way back to the stream.</summary>
public sealed record SeriesContext(SeriesForecaster Forecaster, ModelRegistry Registry, ReplayBuffer Replay, PredictionInbox Inbox);
