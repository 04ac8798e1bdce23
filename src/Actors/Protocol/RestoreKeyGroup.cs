namespace RnnStream.Actors.Protocol;

/// <summary>
/// Before a cluster's run feeds its key groups, each one drops whatever it holds and reads back
/// its series of checkpoint <paramref name="Number"/> (0: none, a fresh start), wherever sharding
/// placed it; it answers <see cref="KeyGroupRestored"/>. This is how a run resumes, and how it rolls
/// back after losing a node: every key group returns to the same cut.
/// </summary>
public sealed record RestoreKeyGroup(long Number);
