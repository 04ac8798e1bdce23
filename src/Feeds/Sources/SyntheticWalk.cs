using System.Diagnostics;
using RnnStream.Feeds.Records;

namespace RnnStream.Feeds.Sources;

/// <summary>
/// A synthetic feed's walk: a tick per series per minute, in time order, each either a new tick or
/// written into a pooled batch's tick, the same values either way. What a tick holds is the
/// feed's own (<see cref="PriceWalk"/>, <see cref="VitalsWalk"/>); the order, the times and the
/// pooling are this.
/// </summary>
public abstract class SyntheticWalk
{
    private static readonly TimestampFormat Format = TimestampFormat.Pattern("yyyy-MM-dd HH:mm:ss");
    private readonly string[] _ids;
    private readonly long _minutes;
    private readonly DateTime _start;
    private readonly int _features;
    private long _minute;
    private int _series;
    private long _offset;
    private DateTime _time;

    /// <summary>The current minute's text, written once for the new ticks of that minute; pooled ticks need none.</summary>
    private string? _raw;

    /// <param name="minutes">Ticks per series; a negative number never ends.</param>
    protected SyntheticWalk(string[] ids, long minutes, DateTime start, int features)
    {
        _ids = ids;
        _minutes = minutes;
        _start = start;
        _features = features;
    }

    public bool Ended => _minutes >= 0 && _minute >= _minutes || _ids.Length == 0;

    /// <summary>The next tick as a new one, stamped now (or not, 0) for latency.</summary>
    public Tick Next(bool stamp = true)
    {
        var values = new float[_features];
        int series = Step(values);
        return new Tick(_ids[series], _time, _raw ??= Format.Format(_time), values, _offset++, Format, stamp ? Stopwatch.GetTimestamp() : 0);
    }

    /// <summary>Up to <paramref name="count"/> next ticks (fewer only at the end) in a batch of <paramref name="pool"/>, its ticks made again in place.</summary>
    public RecordBatch NextBatch(RecordBatchPool pool, int count, bool stamp = true)
    {
        var batch = pool.Rent();
        for (int i = 0; i < count && !batch.IsFull && !Ended; i++)
        {
            var tick = batch.NextTick(_features);
            int series = Step(tick.Values);
            // No text for the time: the pooled tick, and the pooled prediction made of it, stay free of new strings.
            tick.Refill(_ids[series], _time, null, _offset++, Format, stamp ? Stopwatch.GetTimestamp() : 0);
        }
        return batch;
    }

    /// <summary>The rest of the walk, a new tick each.</summary>
    public IEnumerable<Tick> Ticks()
    {
        while (!Ended) yield return Next();
    }

    /// <summary>The rest of the walk in pooled batches of <paramref name="size"/>, until it ends.</summary>
    public IEnumerable<RecordBatch> Batches(RecordBatchPool pool, int size)
    {
        while (!Ended) yield return NextBatch(pool, size);
    }

    /// <summary>A new minute begins, before its first series' tick: for what all series share in it.</summary>
    protected virtual void Begin(DateTime minute)
    {
    }

    /// <summary>Writes the values of series <paramref name="series"/> at the current minute.</summary>
    protected abstract void Write(int series, Span<float> values);

    protected static string[] Ids(string prefix, int count) => Enumerable.Range(0, count).Select(i => $"{prefix}{i:D4}").ToArray();

    private int Step(Span<float> values)
    {
        if (Ended) throw new InvalidOperationException("the walk has ended");
        if (_series == 0)
        {
            _time = _start.AddMinutes(_minute);
            _raw = null;
            Begin(_time);
        }
        int series = _series;
        Write(series, values);
        if (++_series == _ids.Length)
        {
            _series = 0;
            _minute++;
        }
        return series;
    }
}
