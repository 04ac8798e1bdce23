using System.Collections;

namespace RnnStream.Feeds.Records;

/// <summary>
/// Feed records that travel the stream as one element, in feed order, from the feed to the router:
/// the stream's stages then cost once per batch instead of once per tick, as
/// <see cref="PredictionBatch"/> does on the way out (docs/RESULTS.md). A batch may hold rejects
/// beside its ticks; the reject split sends them to the quarantine and the router passes them by.
/// Nothing in it changes once it is made, until it goes back to its <see cref="RecordBatchPool"/>
/// (if it came from one): when the router is through it and every tick of it has been answered.
/// </summary>
public sealed class RecordBatch : IReadOnlyList<FeedRecord>
{
    private readonly FeedRecord[] _records;
    private readonly RecordBatchPool? _pool;
    private int _unanswered;
    private bool _passed;

    /// <summary>A tick of it went where it may be serialized: it never goes back (<see cref="SentAway"/>).</summary>
    private bool _sentAway;

    /// <param name="records">Taken over, not copied: nothing may write to it afterwards. A <c>Tick[]</c> serves as well (arrays of a derived type are arrays of the base).</param>
    public RecordBatch(FeedRecord[] records, int count)
    {
        if ((uint)count > (uint)records.Length) throw new ArgumentOutOfRangeException(nameof(count), $"{count} records in an array of {records.Length}");
        _records = records;
        Count = count;
    }

    /// <summary>An empty batch of <paramref name="pool"/>, filled tick by tick (<see cref="NextTick"/>).</summary>
    internal RecordBatch(RecordBatchPool pool, int capacity)
    {
        _records = new FeedRecord[capacity];
        _pool = pool;
    }

    /// <summary>Whether it goes back to a pool once the router is through it and its ticks are answered.</summary>
    public bool IsPooled => _pool is not null;

    /// <summary>No room for another tick.</summary>
    public bool IsFull => Count == _records.Length;

    /// <summary>How many more records it has room for.</summary>
    public int Room => _records.Length - Count;

    /// <summary>The tick to fill in the next slot of a pooled batch: the one the slot held before, or a new one of <paramref name="features"/> values.</summary>
    internal Tick NextTick(int features)
    {
        if (_pool is null) throw new InvalidOperationException("only a pooled batch is filled tick by tick");
        if (IsFull) throw new InvalidOperationException($"the batch is full ({Count} records)");
        var tick = _records[Count] is Tick held && held.Values.Length == features ? held : (Tick)(_records[Count] = new Tick(this, features));
        Count++;
        return tick;
    }

    /// <summary>The tick last taken with <see cref="NextTick"/> given back unsent (its line turned out a reject or a tick skipped); its slot is filled next.</summary>
    internal void TakeBackLastTick()
    {
        if (_pool is null || Count == 0 || _records[Count - 1] is not Tick) throw new InvalidOperationException("no tick of this pooled batch to take back");
        Count--;
    }

    /// <summary>A record made new (a reject) in the next slot of a pooled batch, beside its ticks made again in place.</summary>
    internal void Add(FeedRecord record)
    {
        if (_pool is null) throw new InvalidOperationException("only a pooled batch is filled record by record");
        if (IsFull) throw new InvalidOperationException($"the batch is full ({Count} records)");
        _records[Count++] = record;
    }

    /// <summary>Emptied for its next use, its ticks kept to be filled again.</summary>
    internal void Reset()
    {
        Count = 0;
        _unanswered = 0;
        _passed = false;
    }

    /// <summary>The router sent one of its ticks to a key group (on the stream's thread, as the two below).</summary>
    internal void Dispatched() => _unanswered++;

    /// <summary>
    /// The router sent one of its ticks to a key group outside the stream's process (remote, or
    /// sharded), where it may be serialized: the batch is never made again, since nothing that
    /// crosses a node may be a pooled object (DESIGN.md). Its ticks are then collected as any.
    /// </summary>
    internal void SentAway() => _sentAway = true;

    /// <summary>A key group answered one of its ticks.</summary>
    internal void Answered()
    {
        if (--_unanswered == 0 && _passed && !_sentAway) _pool!.Return(this);
    }

    /// <summary>The router is through it: every tick of it has gone to its key group.</summary>
    internal void Passed()
    {
        if (_pool is null) return;
        _passed = true;
        if (_unanswered == 0 && !_sentAway) _pool.Return(this);
    }

    public static RecordBatch Of(params FeedRecord[] records) => new(records, records.Length);

    public int Count { get; private set; }

    // Not AsSpan: a writable span refuses an array of a derived type (a Tick[]), a read-only one takes it.
    public ReadOnlySpan<FeedRecord> Records => new(_records, 0, Count);

    public FeedRecord this[int index] => (uint)index < (uint)Count ? _records[index] : throw new ArgumentOutOfRangeException(nameof(index));

    /// <summary>The records <paramref name="keep"/> accepts, in order; this batch itself when it accepts all of them.</summary>
    public RecordBatch Where(Func<FeedRecord, bool> keep)
    {
        int first = 0;
        while (first < Count && keep(_records[first])) first++;
        if (first == Count) return this;
        var kept = new FeedRecord[Count - 1];
        Array.Copy(_records, kept, first);
        int length = first;
        for (int i = first + 1; i < Count; i++)
            if (keep(_records[i])) kept[length++] = _records[i];
        return new RecordBatch(kept, length);
    }

    /// <summary>A foreach over the batch itself walks the array, with no enumerator on the heap.</summary>
    public ReadOnlySpan<FeedRecord>.Enumerator GetEnumerator() => Records.GetEnumerator();

    IEnumerator<FeedRecord> IEnumerable<FeedRecord>.GetEnumerator() => _records.Take(Count).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => ((IEnumerable<FeedRecord>)this).GetEnumerator();
}
