
namespace RnnStream.Feeds.Records;

/// <summary>
/// One observation of one series: its feature values at a time. <see cref="RawTimestamp"/> keeps the
/// time as it came in, so outputs can quote it unchanged; a feed that makes its times itself (a
/// synthetic one) leaves it to be written from <see cref="Format"/> when asked, so that a pooled
/// tick, which is old, never points at a new string (a young collection would scan every pooled
/// tick that does: docs/RESULTS.md). Nothing in it changes while anyone may
/// read it: a tick of a pooled <see cref="RecordBatch"/> is made again in place only after its key
/// group has answered it and the router is through its batch.
/// </summary>
public sealed record Tick : FeedRecord
{
    /// <param name="Format">How the feed writes times, to write forecast target times the same way.</param>
    /// <param name="ReceivedAt">Stopwatch timestamp when the tick entered the system, for tick-to-prediction latency.</param>
    public Tick(string SeriesId, DateTime Timestamp, string RawTimestamp, float[] Values, long Offset, TimestampFormat Format, long ReceivedAt = 0)
    {
        this.Values = Values;
        Set(SeriesId, Timestamp, RawTimestamp, Offset, Format, ReceivedAt);
    }

    /// <summary>A blank one of a pooled batch, to be filled by writing <see cref="Values"/> and <see cref="Refill"/>.</summary>
    internal Tick(RecordBatch home, int features)
    {
        Values = new float[features];
        Home = home;
        SeriesId = "";
        Format = TimestampFormat.Seconds;
    }

    public string SeriesId { get; private set; }
    public DateTime Timestamp { get; private set; }
    public string RawTimestamp => _rawTimestamp ?? Format.Format(Timestamp);

    /// <summary>The time's text as the feed gave it; null when the feed made the time itself.</summary>
    internal string? RawTimestampIfGiven => _rawTimestamp;

    private string? _rawTimestamp;
    public float[] Values { get; }
    public override long Offset => _offset;
    public TimestampFormat Format { get; private set; }
    public long ReceivedAt { get; private set; }

    private long _offset;

    /// <summary>The pooled batch this tick belongs to, which counts it until its key group answers it; null for a tick made once.</summary>
    internal RecordBatch? Home { get; }

    /// <summary>A pooled tick made again, its <see cref="Values"/> written before.</summary>
    /// <param name="rawTimestamp">The time's text as the feed read it; null to write it from <paramref name="format"/> when asked.</param>
    internal void Refill(string seriesId, DateTime timestamp, string? rawTimestamp, long offset, TimestampFormat format, long receivedAt)
    {
        if (Home is null) throw new InvalidOperationException("only a pooled tick is filled again");
        Set(seriesId, timestamp, rawTimestamp, offset, format, receivedAt);
    }

    [System.Diagnostics.CodeAnalysis.MemberNotNull(nameof(SeriesId), nameof(Format))]
    private void Set(string seriesId, DateTime timestamp, string? rawTimestamp, long offset, TimestampFormat format, long receivedAt)
    {
        SeriesId = seriesId;
        Timestamp = timestamp;
        _rawTimestamp = rawTimestamp;
        _offset = offset;
        Format = format;
        ReceivedAt = receivedAt;
    }
}
