namespace RnnStream.Actors.Metrics;

/// <summary>
/// The textbook prediction interval of the persistence (naive) forecast, the baseline our intervals
/// are scored against: persistence ± z·σ̂, with σ̂ the root mean square of the series' own past
/// persistence errors at the forecast's horizon, per target, from the start of the stream.
/// It only knows errors that have already happened, so it is as online as the forecast it is beside.
/// </summary>
public sealed class NaiveInterval(int targets)
{
    /// <summary>Errors seen before the interval is given: fewer would make σ̂ a guess.</summary>
    public const int Warmup = 10;

    private readonly double[] _sumSquares = new double[targets];

    public int Targets => _sumSquares.Length;
    public long Count { get; private set; }

    /// <summary>The interval's half width for <paramref name="target"/> now, or false during warm-up.</summary>
    public bool TryHalfWidth(int target, double z, out double halfWidth)
    {
        halfWidth = Count >= Warmup ? z * Math.Sqrt(_sumSquares[target] / Count) : double.NaN;
        return Count >= Warmup;
    }

    /// <summary>Reads its sums, bringing them into the cache ahead of a forecast's scoring.</summary>
    public float Touch() => (float)_sumSquares[0];

    /// <summary>Learns one forecast's persistence errors (one per target), after it has been scored.</summary>
    public void Observe(ReadOnlySpan<float> actual, ReadOnlySpan<float> persistence)
    {
        for (int k = 0; k < _sumSquares.Length; k++)
        {
            double error = actual[k] - persistence[k];
            _sumSquares[k] += error * error;
        }
        Count++;
    }

    public void Write(BinaryWriter writer)
    {
        writer.Write(_sumSquares.Length);
        writer.Write(Count);
        foreach (double sum in _sumSquares) writer.Write(sum);
    }

    public static NaiveInterval Read(BinaryReader reader)
    {
        var naive = new NaiveInterval(reader.ReadInt32()) { Count = reader.ReadInt64() };
        for (int k = 0; k < naive._sumSquares.Length; k++) naive._sumSquares[k] = reader.ReadDouble();
        return naive;
    }
}
