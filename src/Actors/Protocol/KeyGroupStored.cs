namespace RnnStream.Actors.Protocol;

/// <summary>A key group's part of checkpoint <paramref name="Number"/> is in the store, or, with a <paramref name="Failure"/>, could not be stored.</summary>
public sealed record KeyGroupStored(long Number, int KeyGroup, string? Failure = null);
