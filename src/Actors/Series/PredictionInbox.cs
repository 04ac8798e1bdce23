using System.Collections.Concurrent;

namespace RnnStream.Actors.Series;

/// <summary>
/// Where partitions hand back answered batches for the stream to pick up: a lock-free queue plus a
/// wake-up that fires once per drain, not once per batch, so the return path costs the actors
/// almost nothing and the stream takes many batches per wake-up.
/// </summary>
public sealed class PredictionInbox
{
    private readonly ConcurrentQueue<TickBatch> _queue = new();
    private Action? _wake;
    private int _signalled;
    private KeyGroupFailedException? _failure;

    /// <summary>The first key group that failed, if any: the reader must stop waiting for its answers.</summary>
    public KeyGroupFailedException? Failure => Volatile.Read(ref _failure);

    /// <summary>Called (from any thread) when batches arrive after the last drain.</summary>
    public void OnAvailable(Action wake) => _wake = wake;

    public void Deliver(TickBatch answered)
    {
        _queue.Enqueue(answered);
        if (Interlocked.Exchange(ref _signalled, 1) == 0) _wake?.Invoke();
    }

    /// <summary>A key group will answer no more: its batch in hand is lost with its state. Wakes the reader, who fails the run.</summary>
    public void Fail(KeyGroupFailedException failure)
    {
        Interlocked.CompareExchange(ref _failure, failure, null);
        Volatile.Write(ref _signalled, 1);
        _wake?.Invoke();
    }

    /// <summary>Re-arms the wake-up, then takes what is there: a batch that arrives during the drain wakes the reader again.</summary>
    public void Drain(Action<TickBatch> take)
    {
        Volatile.Write(ref _signalled, 0);
        while (_queue.TryDequeue(out var answered)) take(answered);
    }
}
