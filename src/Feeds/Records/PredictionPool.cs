using System.Collections.Concurrent;

namespace RnnStream.Feeds.Records;

/// <summary>
/// Arrays of predictions that are made again in place, so that forecasting allocates nothing per
/// tick once the stream runs steadily (docs/RESULTS.md). A key group rents an array for a batch of
/// ticks and refills the predictions it holds; the array comes back when the output that took
/// their <see cref="PredictionBatch"/> is done with it (<see cref="PredictionBatch.GiveBack"/>).
/// Giving back is the output's choice: one that keeps predictions (a test's probe, an embedding
/// application's hub) never does, and its batches are collected like any garbage. Rented on the
/// key groups' threads and given back on the stream's, so it is thread-safe.
/// </summary>
public sealed class PredictionPool
{
    private const int SmallestSize = 16;
    private const int Sizes = 14;
    private readonly ConcurrentQueue<Prediction[]>[] _free = Enumerable.Range(0, Sizes).Select(_ => new ConcurrentQueue<Prediction[]>()).ToArray();
    private readonly int[] _freeCounts = new int[Sizes];
    private readonly int _keepPerSize;
    private long _made;

    /// <param name="keepPerSize">How many free arrays of one size it keeps; more are left to the collector (a burst of small batches must not pin memory for ever).</param>
    public PredictionPool(int keepPerSize = 64)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(keepPerSize);
        _keepPerSize = keepPerSize;
    }

    /// <summary>Predictions made so far: it stops growing once every batch in flight is one it made before.</summary>
    public long Made => Interlocked.Read(ref _made);

    /// <summary>An array of at least <paramref name="count"/> slots, holding the predictions of its last use (fill them with <see cref="At"/>).</summary>
    public Prediction[] Rent(int count)
    {
        int size = SizeOf(count);
        if (size >= Sizes) return new Prediction[count];
        if (_free[size].TryDequeue(out var array))
        {
            Interlocked.Decrement(ref _freeCounts[size]);
            return array;
        }
        return new Prediction[SmallestSize << size];
    }

    /// <summary>The prediction of <paramref name="array"/>'s slot <paramref name="index"/> to refill: the one it held, or a blank one if it held none of this pool's.</summary>
    internal Prediction At(Prediction[] array, int index)
    {
        if (array[index] is { } held && ReferenceEquals(held.Pool, this)) return held;
        Interlocked.Increment(ref _made);
        return array[index] = new Prediction(this);
    }

    /// <summary>Takes back an array whose predictions nobody reads any more.</summary>
    internal void Return(Prediction[] array)
    {
        int size = SizeOf(array.Length);
        if (size >= Sizes || SmallestSize << size != array.Length) return;
        if (Interlocked.Increment(ref _freeCounts[size]) > _keepPerSize)
        {
            Interlocked.Decrement(ref _freeCounts[size]);
            return;
        }
        _free[size].Enqueue(array);
    }

    private static int SizeOf(int count) => count <= SmallestSize ? 0 : 32 - System.Numerics.BitOperations.LeadingZeroCount((uint)(count - 1)) - 4;
}
