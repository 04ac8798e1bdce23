namespace RnnStream.Actors.Protocol;

/// <summary>The answer to a <see cref="SeriesQuery"/> for a series its key group has never had a tick of.</summary>
public sealed record SeriesUnknown(string SeriesId) : IWithSeriesId;
