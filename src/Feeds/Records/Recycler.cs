namespace RnnStream.Feeds.Records;

/// <summary>
/// Objects given back on one thread to be taken again on another, without the two meeting per
/// object: the giving side pushes onto its own stack under a lock that the taking side touches only
/// when its stack runs dry, and then swaps the two stacks in one go. A lock (and the objects' cache
/// lines) bouncing between the cores on every tick cost the pipeline a third of its throughput when
/// both sides shared one stack (docs/RESULTS.md).
/// </summary>
/// <param name="capacity">The most objects waiting to be taken; more given back are left to the collector.</param>
internal sealed class Recycler<T>(int capacity) where T : class
{
    private Stack<T> _taking = new();
    private Stack<T> _given = new();
    private readonly Lock _gate = new();

    /// <summary>An object given back earlier, or null; on the taking thread only.</summary>
    public T? TryTake()
    {
        if (_taking.TryPop(out var item)) return item;
        lock (_gate)
        {
            if (_given.Count == 0) return null;
            (_taking, _given) = (_given, _taking);
        }
        return _taking.TryPop(out item) ? item : null;
    }

    /// <summary>Back for reuse; from any thread.</summary>
    public void Give(T item)
    {
        lock (_gate)
        {
            if (_given.Count < capacity) _given.Push(item);
        }
    }

    /// <summary>How many wait on the giving side (the taking side's own are not counted: they are its thread's).</summary>
    public int Given
    {
        get
        {
            lock (_gate) return _given.Count;
        }
    }
}
