namespace RnnStream.Feeds.Records;

/// <summary>
/// Predictions of one forecaster (all of the same <paramref name="features"/>) used again once the
/// output is done with them, so a steady stream makes no garbage for its forecasts. Key groups rent
/// on their threads and the output gives back on the stream's, so the free list is a concurrent
/// queue. An output that never gives back (a test collecting them, an embedding application) just
/// gets new ones, as without a pool.
/// </summary>
public sealed class PredictionPool(IReadOnlyList<string> features)
{
    private readonly RecyclingPool<Prediction> _free = new();

    public IReadOnlyList<string> Features { get; } = features;

    /// <summary>A prediction for one tick, its values copied from <paramref name="values"/> (3 × K, or with its matured outcome 9 × K).</summary>
    public Prediction Rent(string seriesId, string timestamp, DateTime? targetTime, TimestampFormat? format, ReadOnlySpan<float> values,
        long weightsVersion, string forecaster, long receivedAt, long offset)
    {
        var prediction = _free.TryTake() ?? new Prediction(Features, this);
        return prediction.Refill(seriesId, timestamp, targetTime, format, values, weightsVersion, forecaster, receivedAt, offset);
    }

    internal void Return(Prediction prediction) => _free.Give(prediction);
}
