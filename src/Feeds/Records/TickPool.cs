namespace RnnStream.Feeds.Records;

/// <summary>
/// Ticks of one feed (all with <paramref name="features"/> values) used again once the stream is done
/// with them, so a steady stream makes no garbage for its ticks. The feed rents on its thread and
/// the stream gives back on its own, so the free list is a concurrent queue; a tick that is never
/// given back (dropped before routing, or held by whoever made the feed) is simply collected.
/// </summary>
public sealed class TickPool(int features)
{
    private readonly RecyclingPool<Tick> _free = new();

    public int Features { get; } = features;

    /// <summary>A tick for this observation; its <see cref="Tick.Values"/> (of <see cref="Features"/> values) are the caller's to fill before anyone else sees it.</summary>
    public Tick Rent(string seriesId, DateTime timestamp, string rawTimestamp, long offset, TimestampFormat format, long receivedAt)
    {
        var tick = _free.TryTake() ?? new Tick(seriesId, timestamp, rawTimestamp, new float[Features], offset, format, receivedAt);
        return tick.Refill(this, seriesId, timestamp, rawTimestamp, offset, format, receivedAt);
    }

    internal void Return(Tick tick) => _free.Give(tick);
}
