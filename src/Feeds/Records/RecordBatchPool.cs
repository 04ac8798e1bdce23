using System.Collections.Concurrent;

namespace RnnStream.Feeds.Records;

/// <summary>
/// Batches of ticks that are made again in place, for a feed that makes its ticks itself (the
/// synthetic feeds, the bench's), so that the feed allocates nothing per tick once the stream runs
/// steadily (docs/RESULTS.md). The feed rents a batch and fills its ticks; the batch comes back
/// when the router is through it and every tick of it has been answered by its key group, which
/// the router counts on the stream's thread. A batch the router never gets through (a run that
/// stops, a resume that drops part of it) is collected like any garbage. Rented on the feed's
/// thread and given back on the stream's, so it is thread-safe.
/// </summary>
public sealed class RecordBatchPool
{
    private readonly ConcurrentQueue<RecordBatch> _free = new();
    private readonly int _size;
    private readonly int _keep;
    private int _freeCount;
    private long _made;

    /// <param name="size">Records a batch holds at most.</param>
    /// <param name="keep">How many free batches it keeps; more are left to the collector.</param>
    public RecordBatchPool(int size, int keep = 256)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(size);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(keep);
        _size = size;
        _keep = keep;
    }

    /// <summary>Records a batch holds at most.</summary>
    public int Size => _size;

    /// <summary>Batches made so far: it stops growing once every batch in the stream is one it made before.</summary>
    public long Made => Interlocked.Read(ref _made);

    /// <summary>An empty batch, holding the ticks of its last use to be filled again.</summary>
    public RecordBatch Rent()
    {
        if (_free.TryDequeue(out var batch))
        {
            Interlocked.Decrement(ref _freeCount);
            batch.Reset();
            return batch;
        }
        Interlocked.Increment(ref _made);
        return new RecordBatch(this, _size);
    }

    internal void Return(RecordBatch batch)
    {
        if (Interlocked.Increment(ref _freeCount) > _keep)
        {
            Interlocked.Decrement(ref _freeCount);
            return;
        }
        _free.Enqueue(batch);
    }
}
