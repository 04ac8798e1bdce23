namespace RnnStream.Feeds.Records;

/// <summary>
/// One key group's predictions, to be filled again, so the live path does not allocate one object
/// and one array per tick (each a gen0 collection's worth of garbage every few hundred thousand
/// ticks, and a pause in the stream). The key group rents on its own thread, one at a time; the
/// output that writes a prediction last gives it back (<see cref="Prediction.Release"/>) on the
/// stream's. A prediction never given back, e.g. one sent to another node or kept by an embedding
/// application, is simply collected; the pool then allocates a new one.
/// </summary>
/// <param name="features">Names of the features every prediction of this pool forecasts.</param>
/// <param name="capacity">The most predictions waiting to be reused; more given back are left to the collector (a burst's in-flight predictions are not held for ever).</param>
public sealed class PredictionPool(IReadOnlyList<string> features, int capacity = 1 << 16)
{
    private readonly Recycler<Prediction> _recycler = new(capacity);

    public IReadOnlyList<string> Features { get; } = features;

    /// <summary>A prediction to fill (on the renting thread only): write its values into <see cref="Prediction.Filling"/>, then <see cref="Prediction.Publish"/> it.</summary>
    public Prediction Rent()
    {
        if (_recycler.TryTake() is not { } reused) return new Prediction(this, Features);
        reused.Reuse();
        return reused;
    }

    /// <summary>How many predictions have been given back and wait to be rented again.</summary>
    public int Waiting => _recycler.Given;

    internal void Return(Prediction released) => _recycler.Give(released);
}
