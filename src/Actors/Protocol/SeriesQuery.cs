namespace RnnStream.Actors.Protocol;

/// <summary>
/// Asks the key group that owns a series how it stands (<see cref="SeriesStatus"/>, or
/// <see cref="SeriesUnknown"/>). The key group answers between two batches: the stream does not stop.
/// </summary>
public sealed record SeriesQuery(string SeriesId) : IWithSeriesId;
