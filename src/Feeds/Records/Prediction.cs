
namespace RnnStream.Feeds.Records;

/// <summary>
/// What a series emits on every tick: its forecast for the target time (horizon steps after
/// <see cref="Timestamp"/>) of each predicted feature, with an interval, the weights version that
/// made it, which forecaster it came from, and the score of the forecast that was due at this tick.
/// One array behind all the views, the matured outcome's included (made on every tick).
/// Nothing in it changes while anyone may read it: a prediction of a <see cref="PredictionPool"/>
/// is made again in place only after the output that took its batch gave the batch back.
/// </summary>
public sealed class Prediction
{
    private float[] _values;
    private int _length;

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
        _values = values;
        Set(seriesId, timestamp, targetTime, format, features, values.Length, weightsVersion, forecaster, receivedAt, offset, failure);
    }

    /// <summary>A blank one of <paramref name="pool"/>, to be filled by <see cref="ValuesToFill"/> and <see cref="Refill"/>.</summary>
    internal Prediction(PredictionPool pool)
    {
        _values = [];
        Pool = pool;
        SeriesId = Forecaster = "";
        Features = [];
    }

    /// <summary>The pool this prediction is made again by, once its batch is given back; null for one made once.</summary>
    public PredictionPool? Pool { get; }

    /// <summary>
    /// The array a refill writes its <paramref name="length"/> values to (predicted, lower, upper,
    /// then any matured outcome), kept from one refill to the next.
    /// </summary>
    internal float[] ValuesToFill(int length)
    {
        if (Pool is null) throw new InvalidOperationException("only a pooled prediction is filled again");
        if (_values.Length < length) _values = new float[length];
        return _values;
    }

    /// <summary>A pooled prediction made again, its values written to <see cref="ValuesToFill"/> before.</summary>
    /// <param name="timestamp">The tick's time as the feed wrote it; null to write <paramref name="time"/> in <paramref name="format"/> when asked (the pooled prediction, which is old, then points at no new string).</param>
    internal void Refill(string seriesId, string? timestamp, DateTime time, DateTime? targetTime, TimestampFormat? format, IReadOnlyList<string> features,
        int length, long weightsVersion, string forecaster, long receivedAt, long offset)
    {
        if (Pool is null) throw new InvalidOperationException("only a pooled prediction is filled again");
        int count = features.Count;
        if (length != 3 * count && length != MaturedLength(count) || length > _values.Length)
            throw new ArgumentException($"a prediction of {count} features holds {3 * count} values, or {MaturedLength(count)} with its matured outcome, in the array it was given", nameof(length));
        if (timestamp is null && format is null) throw new ArgumentException("a prediction whose tick's time is not written needs the format to write it in", nameof(format));
        Set(seriesId, timestamp, targetTime, format, features, length, weightsVersion, forecaster, receivedAt, offset, null);
        _time = time;
    }

    [System.Diagnostics.CodeAnalysis.MemberNotNull(nameof(SeriesId), nameof(Features), nameof(Forecaster))]
    private void Set(string seriesId, string? timestamp, DateTime? targetTime, TimestampFormat? format, IReadOnlyList<string> features,
        int length, long weightsVersion, string forecaster, long receivedAt, long offset, PredictionFailure? failure)
    {
        SeriesId = seriesId;
        _timestamp = timestamp;
        TargetTime = targetTime;
        Format = format;
        Features = features;
        _length = length;
        Count = features.Count;
        WeightsVersion = weightsVersion;
        Forecaster = forecaster;
        ReceivedAt = receivedAt;
        Offset = offset;
        Failure = failure;
    }

    /// <summary>Values of a prediction whose due forecast matured at its tick: its own forecast and interval, then actual, published, lower, upper, persistence and the network's.</summary>
    public static int MaturedLength(int features) => 9 * features;

    public string SeriesId { get; private set; }

    /// <summary>The tick after which the forecast was made, as the input wrote it.</summary>
    public string Timestamp => _timestamp ?? Format!.Format(_time);

    private string? _timestamp;

    /// <summary>The tick's time, kept to write <see cref="Timestamp"/> when the feed gave no text for it.</summary>
    private DateTime _time;

    public DateTime? TargetTime { get; private set; }
    public TimestampFormat? Format { get; private set; }
    public IReadOnlyList<string> Features { get; private set; }
    public long WeightsVersion { get; private set; }
    public string Forecaster { get; private set; }

    /// <summary>Why this tick has no forecast; null for a forecast.</summary>
    public PredictionFailure? Failure { get; private set; }

    public bool IsFailed => Failure is not null;

    /// <summary>The forecast that was due at this tick, scored against what arrived.</summary>
    public Outcome? Matured => _length > 3 * Count ? new Outcome(_values, 3 * Count, Count) : null;

    /// <summary>Stopwatch timestamp of the tick's arrival, for tick-to-prediction latency.</summary>
    public long ReceivedAt { get; private set; }

    /// <summary>Position of the tick in its feed.</summary>
    public long Offset { get; private set; }

    public int Count { get; private set; }

    /// <summary>Every value as it was made (predicted, lower, upper, then any matured outcome), e.g. to serialize it.</summary>
    public ReadOnlySpan<float> Values => _values.AsSpan(0, _length);

    public ReadOnlySpan<float> Predicted => _values.AsSpan(0, Count);
    public ReadOnlySpan<float> Lower => _values.AsSpan(Count, Count);
    public ReadOnlySpan<float> Upper => _values.AsSpan(2 * Count, Count);

    /// <summary>The target time as the input writes times; formatted when asked (by a sink), not on the live path.</summary>
    public string TargetTimestamp => TargetTime is { } time && Format is not null ? Format.Format(time) : "";

    /// <summary><see cref="Timestamp"/> with no string made: the feed's text, or the time as <paramref name="written"/> writes it (valid until its next use).</summary>
    public ReadOnlySpan<char> TimestampText(RecentTimeText written) => _timestamp is null ? written.Of(_time, Format!) : _timestamp;

    /// <summary><see cref="TargetTimestamp"/> with no string made, as <see cref="TimestampText"/>.</summary>
    public ReadOnlySpan<char> TargetTimestampText(RecentTimeText written) => TargetTime is { } time && Format is { } format ? written.Of(time, format) : "";

    /// <summary>True when the value that arrived at this tick fell outside the interval predicted for it.</summary>
    public bool Anomaly => Matured?.OutsideInterval ?? false;
}
