using RnnStream.Feeds.Records;

namespace RnnStream.Actors.Protocol;

/// <summary>
/// Ticks for one key group, in feed order: one message, one wake-up for all of them (hundreds under
/// load). Nothing in it changes after it is sent. Its array is rented from the shared pool and may be
/// longer than <see cref="Count"/>; the router gives it back when the key group has answered, so in
/// steady state batching allocates nothing per tick. Across nodes it is serialized like any message.
/// It names the weights version the stream is at, so a key group on a node the new weights have
/// not reached yet waits for them instead of forecasting with the old ones.
/// </summary>
public sealed class KeyGroupTicks(int keyGroup, Tick[] buffer, int count, long weightsVersion = 0)
{
    public long WeightsVersion { get; } = weightsVersion;

    public int KeyGroup { get; } = keyGroup;
    public int Count { get; } = count;

    /// <summary>The rented array behind <see cref="Ticks"/>, for whoever returns it to the pool.</summary>
    public Tick[] Buffer { get; } = buffer;

    public ReadOnlySpan<Tick> Ticks => Buffer.AsSpan(0, Count);
}
