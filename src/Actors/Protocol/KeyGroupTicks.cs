using RnnStream.Feeds.Records;

namespace RnnStream.Actors.Protocol;

/// <summary>
/// Ticks for one key group, in feed order: one message, one wake-up for all of them (hundreds under
/// load). Its array is rented from the shared pool and may be longer than <see cref="Count"/>; the
/// router gives it back when the key group has answered, so in steady state batching allocates
/// nothing per tick. Across nodes it is serialized like any message. It names the weights version
/// the stream is at, so a key group on a node the new weights have not reached yet waits for them
/// instead of forecasting with the old ones.
/// <para>
/// The router sends a key group of its own process the same object every time, refilled once the
/// key group has answered the last (at most one batch is at work per key group): nothing in it
/// changes while the key group works on it. A key group that may be on another node (remote, or
/// sharded) gets a new one each time, never changed once sent.
/// </para>
/// </summary>
public sealed class KeyGroupTicks(int keyGroup, Tick[] buffer, int count, long weightsVersion = 0)
{
    public long WeightsVersion { get; private set; } = weightsVersion;

    public int KeyGroup { get; } = keyGroup;
    public int Count { get; private set; } = count;

    /// <summary>The rented array behind <see cref="Ticks"/>, for whoever returns it to the pool.</summary>
    public Tick[] Buffer { get; private set; } = buffer;

    public ReadOnlySpan<Tick> Ticks => Buffer.AsSpan(0, Count);

    /// <summary>Where a key group on the stream's own node leaves its answer; null where it came over the wire (it answers its sender).</summary>
    internal Pipeline.AnswerInbox? Inbox { get; init; }

    /// <summary>The key group's next batch, in this object (see the remarks above).</summary>
    internal void Refill(Tick[] buffer, int count, long weightsVersion)
    {
        Buffer = buffer;
        Count = count;
        WeightsVersion = weightsVersion;
    }
}
