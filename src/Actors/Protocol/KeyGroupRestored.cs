namespace RnnStream.Actors.Protocol;

/// <summary>Key group <paramref name="KeyGroup"/> holds exactly its series of checkpoint <paramref name="Number"/> and takes ticks again.</summary>
public sealed record KeyGroupRestored(int KeyGroup, long Number);
