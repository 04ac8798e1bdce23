using System.Collections;

namespace RnnStream.Feeds.Records;

/// <summary>
/// Feed records that travel the stream as one element, in feed order, from the feed to the router:
/// the stream's stages then cost once per batch instead of once per tick, as
/// <see cref="PredictionBatch"/> does on the way out (docs/RESULTS.md). A batch may hold rejects
/// beside its ticks; the reject split sends them to the quarantine and the router passes them by.
/// Nothing in it changes once it is made.
/// </summary>
public sealed class RecordBatch : IReadOnlyList<FeedRecord>
{
    private readonly FeedRecord[] _records;

    /// <param name="records">Taken over, not copied: nothing may write to it afterwards. A <c>Tick[]</c> serves as well (arrays of a derived type are arrays of the base).</param>
    public RecordBatch(FeedRecord[] records, int count)
    {
        if ((uint)count > (uint)records.Length) throw new ArgumentOutOfRangeException(nameof(count), $"{count} records in an array of {records.Length}");
        _records = records;
        Count = count;
    }

    public static RecordBatch Of(params FeedRecord[] records) => new(records, records.Length);

    public int Count { get; }

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
