namespace RnnStream.Actors.Protocol;

/// <summary>Asks the partition that owns a series for its state (tests and diagnostics).</summary>
public sealed record GetSeriesState(string SeriesId) : IWithSeriesId;
