using RnnStream.Feeds.Records;

namespace RnnStream.Actors.Series;

/// <summary>
/// Ticks the router hands one partition in one message, and the answers the partition writes back
/// into the same object. Under load one message and one wake-up carry hundreds of ticks; the router
/// reuses batches, so batching allocates nothing per tick.
/// Ownership passes with the message: the router fills it, the partition answers it, the router
/// reads the answers and clears it; never two at once.
/// </summary>
public sealed class TickBatch(int partition)
{
    private Tick[] _ticks = new Tick[16];
    private Prediction[] _answers = new Prediction[16];

    /// <summary>The partition the batch is for: how the router knows whose batch came back.</summary>
    public int Partition { get; } = partition;

    public int Count { get; private set; }

    public ReadOnlySpan<Tick> Ticks => _ticks.AsSpan(0, Count);

    /// <summary>One answer per tick, in the ticks' order: its prediction or a failed one.</summary>
    public Span<Prediction> Answers => _answers.AsSpan(0, Count);

    public void Add(Tick tick)
    {
        if (Count == _ticks.Length)
        {
            Array.Resize(ref _ticks, 2 * Count);
            Array.Resize(ref _answers, 2 * Count);
        }
        _ticks[Count++] = tick;
    }

    /// <summary>Empties it for reuse, letting go of the ticks and answers it held.</summary>
    public void Clear()
    {
        Array.Clear(_ticks, 0, Count);
        Array.Clear(_answers, 0, Count);
        Count = 0;
    }
}
