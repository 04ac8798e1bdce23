using System.Collections.Concurrent;

namespace RnnStream.Feeds.Records;

/// <summary>
/// Objects given back by one thread and taken again by another (a prediction is made on a key
/// group's thread and written out on the stream's), without the two cores fighting over a shared
/// free list per object. Each thread keeps what it gives back in its own batch and hands it over
/// whole; a thread that takes draws from its own batch, else takes a whole handed-over batch, else
/// gets nothing (the caller makes a new object). So the threads meet once per <see cref="BatchSize"/>
/// objects, and a thread that both takes and gives back (a feed whose ticks the same stream
/// releases) never meets another at all.
/// </summary>
internal sealed class RecyclingPool<T> where T : class
{
    private const int BatchSize = 64;
    private readonly ConcurrentQueue<T?[]> _full = new();
    private readonly ConcurrentQueue<T?[]> _emptied = new();
    private readonly ThreadLocal<Batches> _batches = new(static () => new Batches());

    /// <summary>An object given back earlier, or null when there is none to take.</summary>
    public T? TryTake()
    {
        var own = _batches.Value!;
        if (own.GivenCount > 0)
        {
            var item = own.Given[--own.GivenCount];
            own.Given[own.GivenCount] = null;
            return item;
        }
        if (own.TakingCount == 0)
        {
            if (!_full.TryDequeue(out var full)) return null;
            if (own.Taking is { } drained) _emptied.Enqueue(drained);
            own.Taking = full;
            own.TakingCount = full.Length;
        }
        var taken = own.Taking![--own.TakingCount];
        own.Taking[own.TakingCount] = null;
        return taken;
    }

    public void Give(T item)
    {
        var own = _batches.Value!;
        if (own.GivenCount == BatchSize)
        {
            _full.Enqueue(own.Given);
            own.Given = _emptied.TryDequeue(out var empty) ? empty : new T?[BatchSize];
            own.GivenCount = 0;
        }
        own.Given[own.GivenCount++] = item;
    }

    /// <summary>One thread's batches: the one it fills with what it gives back, and the one it takes from.</summary>
    private sealed class Batches
    {
        public T?[] Given = new T?[BatchSize];
        public int GivenCount;
        public T?[]? Taking;
        public int TakingCount;
    }
}
