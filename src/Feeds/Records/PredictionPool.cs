using System.Collections.Concurrent;

namespace RnnStream.Feeds.Records;

/// <summary>
/// Batches of predictions that are made again in place, so that forecasting allocates nothing per
/// tick once the stream runs steadily (docs/RESULTS.md). A key group rents a batch for its batch of
/// ticks and refills the predictions its array holds; the batch comes back when the output that
/// took it is done with it (<see cref="PredictionBatch.GiveBack"/>).
/// Giving back is the output's choice: one that keeps predictions (a test's probe, an embedding
/// application's hub) never does, and its batches are collected like any garbage. Rented on the
/// key groups' threads and given back on the stream's, so it is thread-safe.
/// </summary>
public sealed class PredictionPool
{
    private const int SmallestSize = 16;
    private const int Sizes = 14;
    private readonly ConcurrentQueue<PredictionBatch>[] _free = Enumerable.Range(0, Sizes).Select(_ => new ConcurrentQueue<PredictionBatch>()).ToArray();
    private readonly int[] _freeCounts = new int[Sizes];
    private readonly int[] _keepPerSize;
    private long _made;

    /// <param name="keepSlotsPerSize">
    /// How many predictions' worth of free batches of one size it keeps (at least one batch); more are
    /// left to the collector, so a burst of small batches does not pin memory for ever. The default
    /// is twice the router's default bound on ticks in flight (8,192): all of one size that can be
    /// in flight at once, and as many on their way back. A count of batches instead (64 of each
    /// size) let the small ones, of which hundreds are in flight, be made again and again (18 bytes
    /// a tick in `bench --file-ticks-per-series 900`).
    /// </param>
    public PredictionPool(int keepSlotsPerSize = 16_384)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(keepSlotsPerSize);
        _keepPerSize = Enumerable.Range(0, Sizes).Select(size => Math.Max(1, keepSlotsPerSize / (SmallestSize << size))).ToArray();
    }

    /// <summary>Predictions made so far: it stops growing once every batch in flight is one it made before.</summary>
    public long Made => Interlocked.Read(ref _made);

    /// <summary>
    /// An empty batch with at least <paramref name="count"/> slots (a power of two), holding the
    /// predictions of its last use: fill them with <see cref="At"/>, then seal it. More than the
    /// largest size gives a batch of the exact count that does not come back.
    /// </summary>
    public PredictionBatch Rent(int count)
    {
        int size = SizeOf(count);
        if (size >= Sizes) return new PredictionBatch(null, count);
        if (_free[size].TryDequeue(out var batch))
        {
            Interlocked.Decrement(ref _freeCounts[size]);
            batch.Reopen();
            return batch;
        }
        return new PredictionBatch(this, SmallestSize << size);
    }

    /// <summary>The prediction of <paramref name="batch"/>'s slot <paramref name="index"/> to refill: the one it held, or a blank one if it held none of this pool's.</summary>
    internal Prediction At(PredictionBatch batch, int index)
    {
        var slots = batch.Slots;
        if (slots[index] is { } held && ReferenceEquals(held.Pool, this)) return held;
        Interlocked.Increment(ref _made);
        return slots[index] = new Prediction(this);
    }

    /// <summary>Takes back a batch whose predictions nobody reads any more.</summary>
    internal void Return(PredictionBatch batch)
    {
        int size = SizeOf(batch.Capacity);
        if (size >= Sizes || SmallestSize << size != batch.Capacity) return;
        if (Interlocked.Increment(ref _freeCounts[size]) > _keepPerSize[size])
        {
            Interlocked.Decrement(ref _freeCounts[size]);
            return;
        }
        _free[size].Enqueue(batch);
    }

    private static int SizeOf(int count) => count <= SmallestSize ? 0 : 32 - System.Numerics.BitOperations.LeadingZeroCount((uint)(count - 1)) - 4;
}
