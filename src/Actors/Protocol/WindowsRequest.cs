namespace RnnStream.Actors.Protocol;

/// <summary>A trainer asks a node for the training windows of its key groups that ended before <paramref name="Cutoff"/> (all, if null).</summary>
public sealed record WindowsRequest(DateTime? Cutoff);
