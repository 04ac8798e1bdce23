namespace RnnStream.Feeds.Records;

/// <summary>
/// Ticks of one feed to be filled again, so a source that rents them allocates none per tick. The
/// source rents on its one thread; the router gives each back (<see cref="Tick.Release"/>) when its
/// key group has answered for it, on the stream's. A tick never given back is collected; the pool
/// then allocates a new one.
/// </summary>
/// <param name="features">How many values every tick of this feed carries.</param>
/// <param name="capacity">The most ticks waiting to be reused; more given back are left to the collector.</param>
public sealed class TickPool(int features, int capacity = 1 << 16)
{
    private readonly Recycler<Tick> _recycler = new(capacity);

    /// <summary>A tick with these fields (on the renting thread only); fill its <see cref="Tick.Values"/> (of the feed's length) before it is sent on.</summary>
    public Tick Rent(string seriesId, DateTime timestamp, string rawTimestamp, long offset, TimestampFormat format, long receivedAt) =>
        (_recycler.TryTake() ?? new Tick(this, features)).Fill(seriesId, timestamp, rawTimestamp, offset, format, receivedAt);

    /// <summary>How many ticks have been given back and wait to be rented again.</summary>
    public int Waiting => _recycler.Given;

    internal void Return(Tick released) => _recycler.Give(released);
}
