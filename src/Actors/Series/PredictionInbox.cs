using System.Collections.Concurrent;
using RnnStream.Feeds.Records;

namespace RnnStream.Actors.Series;

/// <summary>
/// Where series actors put their predictions for the stream to pick up: a lock-free queue plus a
/// wake-up that fires once per batch, not once per prediction, so the return path costs the
/// actors almost nothing and the stream drains many predictions per wake-up.
/// </summary>
public sealed class PredictionInbox
{
    private readonly ConcurrentQueue<Prediction> _queue = new();
    private Action? _wake;
    private int _signalled;

    /// <summary>Called (from any thread) when predictions arrive after the last drain.</summary>
    public void OnAvailable(Action wake) => _wake = wake;

    public void Deliver(Prediction prediction)
    {
        _queue.Enqueue(prediction);
        if (Interlocked.Exchange(ref _signalled, 1) == 0) _wake?.Invoke();
    }

    /// <summary>Re-arms the wake-up, then takes what is there: a prediction that arrives during the drain wakes the reader again.</summary>
    public void Drain(Action<Prediction> take)
    {
        Volatile.Write(ref _signalled, 0);
        while (_queue.TryDequeue(out var prediction)) take(prediction);
    }
}
