namespace RnnStream.Actors.Series;

/// <summary>
/// A series at rest (passivated, or in a checkpoint): its state in the series-state format, and the
/// time of its last tick kept beside it, so the feed can be told each series' clock on resume
/// without reading every state.
/// </summary>
public readonly record struct StoredSeries(byte[] State, DateTime LastTime);
