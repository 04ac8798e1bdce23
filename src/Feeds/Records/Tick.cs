namespace RnnStream.Feeds.Records;

/// <summary>
/// One observation of one series: its feature values at a time. <see cref="RawTimestamp"/> keeps the
/// time as it came in, so outputs can quote it unchanged.
/// A tick is immutable to its readers. One rented from a <see cref="TickPool"/> is filled again for
/// a later observation once <see cref="Release"/> gives it back, which the stream does when the
/// tick's key group has answered it; a tick made with <c>new</c> is never reused.
/// </summary>
/// <param name="Format">How the feed writes times, to write forecast target times the same way.</param>
/// <param name="ReceivedAt">Stopwatch timestamp when the tick entered the system, for tick-to-prediction latency.</param>
public sealed record Tick(string SeriesId, DateTime Timestamp, string RawTimestamp, float[] Values, long Offset, TimestampFormat Format, long ReceivedAt = 0) : FeedRecord
{
    private long _offset = Offset;
    private TickPool? _pool;
    private bool _rented;

    // Fields behind the properties, so a refill can set them while `with` still can too.
    private string _seriesId = SeriesId;
    private DateTime _timestamp = Timestamp;
    private string _rawTimestamp = RawTimestamp;
    private TimestampFormat _format = Format;
    private long _receivedAt = ReceivedAt;

    public string SeriesId { get => _seriesId; init => _seriesId = value; }
    public DateTime Timestamp { get => _timestamp; init => _timestamp = value; }
    public string RawTimestamp { get => _rawTimestamp; init => _rawTimestamp = value; }
    public TimestampFormat Format { get => _format; init => _format = value; }
    public long ReceivedAt { get => _receivedAt; init => _receivedAt = value; }
    public override long Offset => _offset;

    /// <summary>A copy (<c>with</c>) is the caller's own: never pooled, and with its own values when the original's may be refilled.</summary>
    private Tick(Tick original) : base(original)
    {
        _seriesId = original._seriesId;
        _timestamp = original._timestamp;
        _rawTimestamp = original._rawTimestamp;
        Values = original._pool is null ? original.Values : (float[])original.Values.Clone();
        _offset = original._offset;
        _format = original._format;
        _receivedAt = original._receivedAt;
    }

    /// <summary>Gives a rented tick back to its pool; nothing may read it afterwards. No effect on a tick made with <c>new</c>, or one already given back.</summary>
    public void Release()
    {
        // A plain write, not an interlocked one: only the one last reader releases, and a locked
        // write to a line the other core has read stalls this core until it owns the line (measured: a quarter of the stream's throughput).
        if (_pool is not { } pool || !_rented) return;
        _rented = false;
        pool.Return(this);
    }

    /// <summary>Fills a pooled tick for its next observation (its values are written by the renter, into <see cref="Values"/>).</summary>
    internal Tick Refill(TickPool pool, string seriesId, DateTime timestamp, string rawTimestamp, long offset, TimestampFormat format, long receivedAt)
    {
        _pool = pool;
        _rented = true;
        _seriesId = seriesId;
        _timestamp = timestamp;
        _rawTimestamp = rawTimestamp;
        _offset = offset;
        _format = format;
        _receivedAt = receivedAt;
        return this;
    }
}
