
namespace RnnStream.Feeds.Records;

/// <summary>
/// What a series emits on every tick: its forecast for the target time (horizon steps after
/// <see cref="Timestamp"/>) of each predicted feature, with an interval, the weights version that
/// made it, which forecaster it came from, and the score of the forecast that was due at this tick.
/// One array behind all the views, the matured outcome's included (made on every tick).
/// A prediction is immutable to its readers. One made by a <see cref="PredictionPool"/> is filled
/// again for a later tick once <see cref="Release"/> gives it back, which only an output that is
/// done with it does (it has written it out, and nothing else holds it); one made with <c>new</c>,
/// or never given back, is never reused.
/// </summary>
public sealed class Prediction
{
    private readonly float[] _values;
    private int _length;
    private PredictionPool? _pool;
    private bool _rented;

    /// <param name="targetTime">The time the forecast is for, or null while the series' step is not known.</param>
    /// <param name="format">How the feed writes times; the target time is written the same way.</param>
    /// <param name="features">Names of the predicted features (shared, not copied per prediction).</param>
    /// <param name="values">Predicted, lower, upper: K values each, in that order; then, when a forecast matured at this tick, its outcome's 5 × K (see <see cref="Outcome"/>).</param>
    /// <param name="forecaster">Which forecaster produced the values (the network, or a baseline chosen for this series).</param>
    /// <param name="failure">Set when the tick could not be forecast: the prediction then holds no values and is never written.</param>
    public Prediction(string seriesId, string timestamp, DateTime? targetTime, TimestampFormat? format, IReadOnlyList<string> features,
        float[] values, long weightsVersion, string forecaster, long receivedAt, long offset, PredictionFailure? failure = null)
    {
        int count = features.Count;
        if (values.Length != 3 * count && values.Length != MaturedLength(count))
            throw new ArgumentException($"a prediction of {count} features holds {3 * count} values, or {MaturedLength(count)} with its matured outcome", nameof(values));
        SeriesId = seriesId;
        Timestamp = timestamp;
        TargetTime = targetTime;
        Format = format;
        Features = features;
        _values = values;
        _length = values.Length;
        Count = count;
        WeightsVersion = weightsVersion;
        Forecaster = forecaster;
        ReceivedAt = receivedAt;
        Offset = offset;
        Failure = failure;
    }

    /// <summary>An empty prediction of <paramref name="features"/> for a pool, with room for the values of a matured one.</summary>
    internal Prediction(IReadOnlyList<string> features, PredictionPool pool)
    {
        Count = features.Count;
        Features = features;
        _values = new float[MaturedLength(Count)];
        _pool = pool;
        SeriesId = Timestamp = Forecaster = "";
    }

    /// <summary>Fills a pooled prediction for its tick: the same fields as the public constructor, the values copied in.</summary>
    internal Prediction Refill(string seriesId, string timestamp, DateTime? targetTime, TimestampFormat? format, ReadOnlySpan<float> values,
        long weightsVersion, string forecaster, long receivedAt, long offset)
    {
        if (values.Length != 3 * Count && values.Length != MaturedLength(Count))
            throw new ArgumentException($"a prediction of {Count} features holds {3 * Count} values, or {MaturedLength(Count)} with its matured outcome", nameof(values));
        _rented = true;
        SeriesId = seriesId;
        Timestamp = timestamp;
        TargetTime = targetTime;
        Format = format;
        values.CopyTo(_values);
        _length = values.Length;
        WeightsVersion = weightsVersion;
        Forecaster = forecaster;
        ReceivedAt = receivedAt;
        Offset = offset;
        return this;
    }

    /// <summary>
    /// Gives a pooled prediction back for a later tick. Only the output at the end of the stream may
    /// call it, once it has written the prediction and keeps nothing that reads it: a reader after
    /// this would see another tick's forecast. No effect on a prediction made with <c>new</c>, or
    /// one already given back.
    /// </summary>
    public void Release()
    {
        // A plain write, not an interlocked one: only the one last reader releases, and a locked
        // write to a line the other core has read stalls this core until it owns the line (measured: a quarter of the stream's throughput).
        if (_pool is not { } pool || !_rented) return;
        _rented = false;
        pool.Return(this);
    }

    /// <summary>Values of a prediction whose due forecast matured at its tick: its own forecast and interval, then actual, published, lower, upper, persistence and the network's.</summary>
    public static int MaturedLength(int features) => 9 * features;

    public string SeriesId { get; private set; }

    /// <summary>The tick after which the forecast was made, as the input wrote it.</summary>
    public string Timestamp { get; private set; }

    public DateTime? TargetTime { get; private set; }
    public TimestampFormat? Format { get; private set; }
    public IReadOnlyList<string> Features { get; }
    public long WeightsVersion { get; private set; }
    public string Forecaster { get; private set; }

    /// <summary>Why this tick has no forecast; null for a forecast.</summary>
    public PredictionFailure? Failure { get; }

    public bool IsFailed => Failure is not null;

    /// <summary>The forecast that was due at this tick, scored against what arrived.</summary>
    public Outcome? Matured => _length > 3 * Count ? new Outcome(_values, 3 * Count, Count) : null;

    /// <summary>Stopwatch timestamp of the tick's arrival, for tick-to-prediction latency.</summary>
    public long ReceivedAt { get; private set; }

    /// <summary>Position of the tick in its feed.</summary>
    public long Offset { get; private set; }

    public int Count { get; }

    /// <summary>Every value as the constructor took them (predicted, lower, upper, then any matured outcome), e.g. to serialize it.</summary>
    public ReadOnlySpan<float> Values => _values.AsSpan(0, _length);

    public ReadOnlySpan<float> Predicted => _values.AsSpan(0, Count);
    public ReadOnlySpan<float> Lower => _values.AsSpan(Count, Count);
    public ReadOnlySpan<float> Upper => _values.AsSpan(2 * Count, Count);

    /// <summary>The target time as the input writes times; formatted when asked (by a sink), not on the live path.</summary>
    public string TargetTimestamp => TargetTime is { } time && Format is not null ? Format.Format(time) : "";

    /// <summary>True when the value that arrived at this tick fell outside the interval predicted for it.</summary>
    public bool Anomaly => Matured?.OutsideInterval ?? false;
}
