
namespace RnnStream.Feeds.Records;

/// <summary>
/// One observation of one series: its feature values at a time. <see cref="RawTimestamp"/> keeps the
/// time as it came in, so outputs can quote it unchanged.
/// <para>
/// A source may rent its ticks from a <see cref="TickPool"/> (the synthetic feeds do), so the live
/// path allocates none per tick. Such a tick is given back (<see cref="Release"/>) by the router once
/// its key group has answered for it: the series copied what it keeps of it, and the prediction
/// holds only its strings. A copy made with <c>with</c> belongs to no pool and has its own values.
/// </para>
/// </summary>
public sealed record Tick : FeedRecord
{
    private readonly TickPool? _pool;
    private bool _released;
    private string _seriesId;
    private DateTime _timestamp;
    private string _rawTimestamp;
    private float[] _values;
    private long _offset;
    private TimestampFormat _format;
    private long _receivedAt;

    /// <param name="Format">How the feed writes times, to write forecast target times the same way.</param>
    /// <param name="ReceivedAt">Stopwatch timestamp when the tick entered the system, for tick-to-prediction latency.</param>
    public Tick(string SeriesId, DateTime Timestamp, string RawTimestamp, float[] Values, long Offset, TimestampFormat Format, long ReceivedAt = 0)
    {
        _seriesId = SeriesId;
        _timestamp = Timestamp;
        _rawTimestamp = RawTimestamp;
        _values = Values;
        _offset = Offset;
        _format = Format;
        _receivedAt = ReceivedAt;
    }

    /// <summary>A pooled tick, with its own array of <paramref name="features"/> values.</summary>
    internal Tick(TickPool pool, int features) : this("", default, "", new float[features], 0, TimestampFormat.Seconds)
    {
        _pool = pool;
    }

    /// <summary>What <c>with</c> copies from: the copy is nobody's to give back, and a pooled original's values are copied, since they will be refilled.</summary>
    private Tick(Tick original) : base(original)
    {
        _seriesId = original._seriesId;
        _timestamp = original._timestamp;
        _rawTimestamp = original._rawTimestamp;
        _values = original._pool is null ? original._values : (float[])original._values.Clone();
        _offset = original._offset;
        _format = original._format;
        _receivedAt = original._receivedAt;
    }

    public string SeriesId { get => _seriesId; init => _seriesId = value; }
    public DateTime Timestamp { get => _timestamp; init => _timestamp = value; }
    public string RawTimestamp { get => _rawTimestamp; init => _rawTimestamp = value; }
    public float[] Values { get => _values; init => _values = value; }
    public override long Offset => _offset;
    public TimestampFormat Format { get => _format; init => _format = value; }
    public long ReceivedAt { get => _receivedAt; init => _receivedAt = value; }

    /// <summary>Sets a rented tick's fields; its <see cref="Values"/> are filled in place.</summary>
    internal Tick Fill(string seriesId, DateTime timestamp, string rawTimestamp, long offset, TimestampFormat format, long receivedAt)
    {
        _released = false;
        _seriesId = seriesId;
        _timestamp = timestamp;
        _rawTimestamp = rawTimestamp;
        _offset = offset;
        _format = format;
        _receivedAt = receivedAt;
        return this;
    }

    /// <summary>
    /// Gives a pooled tick back to its source's pool: called once, by the router, when its key group
    /// has answered. Twice would let two records share one tick, so it throws; an unpooled tick
    /// ignores it.
    /// </summary>
    public void Release()
    {
        if (_pool is null) return;
        if (_released) throw new InvalidOperationException($"tick of {_seriesId} at offset {_offset} released twice");
        _released = true;
        _seriesId = _rawTimestamp = "";
        _pool.Return(this);
    }

    public void Deconstruct(out string SeriesId, out DateTime Timestamp, out string RawTimestamp, out float[] Values, out long Offset, out TimestampFormat Format, out long ReceivedAt)
    {
        SeriesId = _seriesId;
        Timestamp = _timestamp;
        RawTimestamp = _rawTimestamp;
        Values = _values;
        Offset = _offset;
        Format = _format;
        ReceivedAt = _receivedAt;
    }
}
