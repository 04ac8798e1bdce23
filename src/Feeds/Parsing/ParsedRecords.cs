using RnnStream.Feeds.Records;

namespace RnnStream.Feeds.Parsing;

/// <summary>
/// Where a parser puts what a line yields: new records into a list, or, for a feed whose batches are
/// pooled (a file), ticks written in place into a <see cref="RecordBatch"/> of a
/// <see cref="RecordBatchPool"/>, so an accepted tick costs no new object. A tick is begun (its
/// values written), then kept or dropped; a reject is always a new record, added beside.
/// One per parser, used on its thread.
/// </summary>
internal sealed class ParsedRecords
{
    private List<FeedRecord>? _list;
    private RecordBatch? _batch;

    /// <summary>The tick begun in the batch, until kept or dropped.</summary>
    private Tick? _pendingTick;

    /// <summary>The values of the tick begun for the list, until kept or dropped.</summary>
    private float[]? _pendingValues;

    public void Into(List<FeedRecord> list)
    {
        _list = list;
        _batch = null;
        _pendingTick = null;
        _pendingValues = null;
    }

    /// <param name="batch">A pooled batch with room for what the line can yield.</param>
    public void Into(RecordBatch batch)
    {
        _batch = batch;
        _list = null;
        _pendingTick = null;
        _pendingValues = null;
    }

    /// <summary>A new tick of <paramref name="features"/> values: where to write them.</summary>
    public Span<float> BeginTick(int features)
    {
        DropTick();
        if (_batch is not null)
        {
            _pendingTick = _batch.NextTick(features);
            return _pendingTick.Values;
        }
        _pendingValues = new float[features];
        return _pendingValues;
    }

    /// <summary>The tick begun, accepted.</summary>
    /// <param name="rawTimestamp">The time's text as the feed gave it; null when <paramref name="format"/> writes the time exactly so.</param>
    public void KeepTick(string seriesId, DateTime timestamp, string? rawTimestamp, long offset, TimestampFormat format, long receivedAt)
    {
        if (_pendingTick is { } tick)
        {
            // No text for a time the format writes back the same: a pooled tick stays free of new strings (Tick's remarks).
            tick.Refill(seriesId, timestamp, rawTimestamp, offset, format, receivedAt);
            _pendingTick = null;
            return;
        }
        var values = _pendingValues ?? throw new InvalidOperationException("no tick was begun");
        _pendingValues = null;
        // A tick made new keeps its time's text, as a feed's ticks always have.
        _list!.Add(new Tick(seriesId, timestamp, rawTimestamp ?? format.Format(timestamp), values, offset, format, receivedAt));
    }

    /// <summary>The tick begun, if any, not sent: its line turned out a reject, or the tick one to skip.</summary>
    public void DropTick()
    {
        if (_pendingTick is not null) _batch!.TakeBackLastTick();
        _pendingTick = null;
        _pendingValues = null;
    }

    /// <summary>A reject, in place of any tick begun.</summary>
    public void Add(Rejected rejected)
    {
        DropTick();
        if (_batch is not null) _batch.Add(rejected);
        else _list!.Add(rejected);
    }
}
