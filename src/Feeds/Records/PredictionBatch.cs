using System.Collections;

namespace RnnStream.Feeds.Records;

/// <summary>
/// Predictions that travel the stream as one element: one key group's answer to one batch of
/// ticks, in the ticks' order. The stream's stages then cost once per answer (hundreds of ticks
/// under load) instead of once per tick, which was a fifth of the pipeline's time
/// (docs/RESULTS.md). Nothing in it changes once it is made, until the output that took it last
/// gives it back to its pool (<see cref="GiveBack"/>): the pool hands the batch out again whole,
/// its array and its predictions made again in place for later ticks.
/// </summary>
public sealed class PredictionBatch : IReadOnlyList<Prediction>
{
    private readonly Prediction[] _predictions;

    /// <summary>The pool it goes back to when given back; null when it was given back already, or belongs to none.</summary>
    private PredictionPool? _pool;

    /// <summary>The pool that made it, to hand it out again; null for a batch of its own.</summary>
    private readonly PredictionPool? _home;

    /// <param name="predictions">Taken over, not copied: nothing may write to it afterwards.</param>
    /// <param name="failed">How many of them are failed ones (a tick that could not be forecast), so that dropping them costs nothing when there are none.</param>
    /// <param name="pool">The pool the array was rented from, to give it back to; null for an array of its own.</param>
    public PredictionBatch(Prediction[] predictions, int count, int failed = 0, PredictionPool? pool = null)
    {
        if ((uint)count > (uint)predictions.Length) throw new ArgumentOutOfRangeException(nameof(count), $"{count} predictions in an array of {predictions.Length}");
        if ((uint)failed > (uint)count) throw new ArgumentOutOfRangeException(nameof(failed), $"{failed} failed of {count}");
        _predictions = predictions;
        Count = count;
        Failed = failed;
        _pool = _home = pool;
    }

    /// <summary>An empty batch of <paramref name="pool"/>, with <paramref name="slots"/> slots to fill (<see cref="Slots"/>, then <see cref="Seal"/>).</summary>
    internal PredictionBatch(PredictionPool? pool, int slots)
    {
        _predictions = new Prediction[slots];
        _pool = _home = pool;
    }

    /// <summary>The whole array, for the key group that fills it; what it held last time is there to be made again.</summary>
    internal Prediction[] Slots => _predictions;

    internal int Capacity => _predictions.Length;

    /// <summary>Handed out again by its pool: it goes back there when given back.</summary>
    internal void Reopen() => _pool = _home;

    /// <summary>Filled: the first <paramref name="count"/> slots are its predictions, <paramref name="failed"/> of them failed ones.</summary>
    internal void Seal(int count, int failed)
    {
        if ((uint)count > (uint)_predictions.Length) throw new ArgumentOutOfRangeException(nameof(count), $"{count} predictions in an array of {_predictions.Length}");
        if ((uint)failed > (uint)count) throw new ArgumentOutOfRangeException(nameof(failed), $"{failed} failed of {count}");
        Count = count;
        Failed = failed;
    }

    /// <summary>
    /// For the last to take the batch, once it is done with it and keeps none of its predictions
    /// (it wrote them out, or drops them): the pool hands the batch out again and makes its
    /// predictions again in place for later ticks, so nothing of it may be read afterwards, nor may
    /// it be given back again. A second call before that is ignored, as is a batch of no pool.
    /// </summary>
    public void GiveBack() => Interlocked.Exchange(ref _pool, null)?.Return(this);

    public static PredictionBatch Of(params Prediction[] predictions) => new(predictions, predictions.Length, predictions.Count(p => p.IsFailed));

    public int Count { get; private set; }

    /// <summary>How many of <see cref="Predictions"/> stand for a tick that could not be forecast.</summary>
    public int Failed { get; private set; }

    public ReadOnlySpan<Prediction> Predictions => _predictions.AsSpan(0, Count);

    public Prediction this[int index] => (uint)index < (uint)Count ? _predictions[index] : throw new ArgumentOutOfRangeException(nameof(index));

    /// <summary>This batch without its failed predictions (itself when it has none): what outputs write.</summary>
    public PredictionBatch WithoutFailures()
    {
        if (Failed == 0) return this;
        var forecasts = new Prediction[Count - Failed];
        int kept = 0;
        foreach (var prediction in Predictions)
            if (!prediction.IsFailed) forecasts[kept++] = prediction;
        return new PredictionBatch(forecasts, kept);
    }

    /// <summary>A foreach over the batch itself walks the array, with no enumerator on the heap.</summary>
    public ReadOnlySpan<Prediction>.Enumerator GetEnumerator() => Predictions.GetEnumerator();

    IEnumerator<Prediction> IEnumerable<Prediction>.GetEnumerator() => _predictions.Take(Count).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => ((IEnumerable<Prediction>)this).GetEnumerator();
}
