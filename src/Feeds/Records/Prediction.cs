
namespace RnnStream.Feeds.Records;

/// <summary>
/// What a series emits on every tick: its forecast for the target time (horizon steps after
/// <see cref="Timestamp"/>) of each predicted feature, with an interval, the weights version that
/// made it, which forecaster it came from, and the score of the forecast that was due at this tick.
/// One array behind all the views, the matured outcome's included (made on every tick).
/// <para>
/// The live path's predictions come from a <see cref="PredictionPool"/>. Whatever reads one on its
/// way (a tap, the metrics) reads it before it passes it on; the output that reads it last gives it
/// back with <see cref="Release"/>, and after that nothing may read it. Anything that keeps a
/// prediction beyond that copies what it needs (<see cref="Copy"/>). A prediction made with the
/// constructor belongs to no pool: releasing it does nothing.
/// </para>
/// </summary>
public sealed class Prediction
{
    private enum Stage : byte { Filling, Published, Released }

    private readonly float[] _values;
    private readonly PredictionPool? _pool;
    private int _length;
    private Stage _stage;

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
        CheckLength(values.Length, count);
        _values = values;
        _length = values.Length;
        _stage = Stage.Published;
        Set(seriesId, timestamp, targetTime, format, features, weightsVersion, forecaster, receivedAt, offset);
        Failure = failure;
    }

    /// <summary>A prediction to fill, of <paramref name="pool"/> (null: of none), with room for the matured outcome's values too.</summary>
    internal Prediction(PredictionPool? pool, IReadOnlyList<string> features)
    {
        _pool = pool;
        _values = new float[MaturedLength(features.Count)];
        Features = features;
        Count = features.Count;
        SeriesId = Timestamp = Forecaster = "";
    }

    /// <summary>A prediction of no pool to fill and publish, as a pooled one is (where no pool is at hand: a test, a tool).</summary>
    public static Prediction ToFill(IReadOnlyList<string> features) => new(null, features);

    private static void CheckLength(int length, int count)
    {
        if (length != 3 * count && length != MaturedLength(count))
            throw new ArgumentException($"a prediction of {count} features holds {3 * count} values, or {MaturedLength(count)} with its matured outcome", nameof(length));
    }

    [System.Diagnostics.CodeAnalysis.MemberNotNull(nameof(SeriesId), nameof(Timestamp), nameof(Features), nameof(Forecaster))]
    private void Set(string seriesId, string timestamp, DateTime? targetTime, TimestampFormat? format, IReadOnlyList<string> features,
        long weightsVersion, string forecaster, long receivedAt, long offset)
    {
        SeriesId = seriesId;
        Timestamp = timestamp;
        TargetTime = targetTime;
        Format = format;
        Features = features;
        Count = features.Count;
        WeightsVersion = weightsVersion;
        Forecaster = forecaster;
        ReceivedAt = receivedAt;
        Offset = offset;
    }

    /// <summary>Where a rented prediction's values are written before it is published: room for all <see cref="MaturedLength"/> of them.</summary>
    public Span<float> Filling => _stage == Stage.Filling ? _values : throw new InvalidOperationException("only a rented prediction not yet published can be filled");

    /// <summary>Makes a rented prediction what it says: its first <paramref name="length"/> values of <see cref="Filling"/>, and the rest. Nothing changes it after this until it is released.</summary>
    public Prediction Publish(string seriesId, string timestamp, DateTime? targetTime, TimestampFormat? format, int length, long weightsVersion, string forecaster,
        long receivedAt, long offset)
    {
        if (_stage != Stage.Filling) throw new InvalidOperationException("only a rented prediction not yet published can be published");
        CheckLength(length, Count);
        _length = length;
        Set(seriesId, timestamp, targetTime, format, Features, weightsVersion, forecaster, receivedAt, offset);
        _stage = Stage.Published;
        return this;
    }

    /// <summary>
    /// Gives a pooled prediction back for the next tick: called once, by the output that reads it
    /// last. Releasing twice is a bug that would let two ticks share one prediction, so it throws.
    /// </summary>
    public void Release()
    {
        if (_pool is null) return;
        if (_stage != Stage.Published) throw new InvalidOperationException($"prediction of {SeriesId} at offset {Offset} released {(_stage == Stage.Released ? "twice" : "before it was published")}");
        _stage = Stage.Released;
        // The tick's own strings are not kept alive by a prediction waiting in the pool.
        SeriesId = Timestamp = "";
        Format = null;
        _pool.Return(this);
    }

    internal void Reuse() => _stage = Stage.Filling;

    /// <summary>A prediction of its own with the same content, for a reader that keeps it after the output has released this one.</summary>
    public Prediction Copy() => new(SeriesId, Timestamp, TargetTime, Format, Features, Values.ToArray(), WeightsVersion, Forecaster, ReceivedAt, Offset, Failure);

    /// <summary>Values of a prediction whose due forecast matured at its tick: its own forecast and interval, then actual, published, lower, upper, persistence and the network's.</summary>
    public static int MaturedLength(int features) => 9 * features;

    public string SeriesId { get; private set; }

    /// <summary>The tick after which the forecast was made, as the input wrote it.</summary>
    public string Timestamp { get; private set; }

    public DateTime? TargetTime { get; private set; }
    public TimestampFormat? Format { get; private set; }
    public IReadOnlyList<string> Features { get; private set; }
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

    public int Count { get; private set; }

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
