namespace RnnStream.Feeds.Records;

/// <summary>
/// Batches of predictions that are made again in place, so that forecasting allocates nothing per
/// tick once the stream runs steadily (docs/RESULTS.md). A key group rents a batch for its batch of
/// ticks and refills the predictions its array holds; the batch comes back when the output that
/// took it is done with it (<see cref="PredictionBatch.GiveBack"/>).
/// Giving back is the output's choice: one that keeps predictions (a test's probe, an embedding
/// application's hub) never does, and its batches are collected like any garbage. Rented on the
/// key groups' threads and given back on the stream's, so it is thread-safe: each size's free
/// batches are a stack under a lock, so the batch given back last, the likeliest still in a cache,
/// is lent first (no difference from a queue was measured beyond noise).
/// </summary>
public sealed class PredictionPool
{
    private const int SmallestSize = 16;
    private const int Sizes = 14;
    private readonly Stack<PredictionBatch>[] _free = Enumerable.Range(0, Sizes).Select(_ => new Stack<PredictionBatch>()).ToArray();
    private readonly int[] _keepPerSize;
    private long _made;

    /// <param name="keepPredictionsPerSize">
    /// How many free batches of one size it keeps: as many as could be in flight at once if each held
    /// this many predictions between them at their fewest (one for the smallest size, which holds 1
    /// to 16; just over half its slots for the others). More are left to the collector, so a burst
    /// of batches does not pin memory for ever. The default is twice the router's default bound on
    /// ticks in flight (8,192): all of one size that can be in flight at once, and as many on their
    /// way back. A count of batches instead (64 of each size) let the small ones, of which hundreds
    /// are in flight, be made again and again (18 bytes a tick in `bench --file-ticks-per-series
    /// 900`); a count of slots still did, when a slow output (`bench --output csv`) left thousands
    /// of answers of two or three ticks each in flight (13-27 bytes a tick, docs/RESULTS.md).
    /// </param>
    public PredictionPool(int keepPredictionsPerSize = 16_384)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(keepPredictionsPerSize);
        _keepPerSize = Enumerable.Range(0, Sizes).Select(size => Math.Max(1, keepPredictionsPerSize / FewestHeld(size))).ToArray();
    }

    /// <summary>The fewest predictions a batch of size <paramref name="size"/> is rented for: one more than the size below holds.</summary>
    private static int FewestHeld(int size) => size == 0 ? 1 : (SmallestSize << (size - 1)) + 1;

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
        var free = _free[size];
        PredictionBatch? batch;
        lock (free) free.TryPop(out batch);
        if (batch is null) return new PredictionBatch(this, SmallestSize << size);
        batch.Reopen();
        return batch;
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
        var free = _free[size];
        lock (free)
        {
            if (free.Count < _keepPerSize[size]) free.Push(batch);
        }
    }

    private static int SizeOf(int count) => count <= SmallestSize ? 0 : 32 - System.Numerics.BitOperations.LeadingZeroCount((uint)(count - 1)) - 4;
}
