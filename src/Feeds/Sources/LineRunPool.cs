using System.Collections.Concurrent;

namespace RnnStream.Feeds.Sources;

/// <summary>
/// Runs of lines that are filled again, so a socket feed's lines cost no allocation once the
/// stream runs steadily. Rented by each connection's framing, given back by the parser on the
/// stream's thread, so it is thread-safe. A run keeps the room it grew to.
/// </summary>
public sealed class LineRunPool
{
    private readonly ConcurrentQueue<LineRun> _free = new();
    private readonly int _keep;
    private int _freeCount;

    /// <param name="keep">How many free runs it keeps; more are left to the collector.</param>
    public LineRunPool(int keep = 256)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(keep);
        _keep = keep;
    }

    /// <summary>An empty run.</summary>
    public LineRun Rent()
    {
        if (!_free.TryDequeue(out var run)) return new LineRun(this);
        Interlocked.Decrement(ref _freeCount);
        run.Reset();
        return run;
    }

    internal void Return(LineRun run)
    {
        if (Interlocked.Increment(ref _freeCount) > _keep)
        {
            Interlocked.Decrement(ref _freeCount);
            return;
        }
        _free.Enqueue(run);
    }
}
