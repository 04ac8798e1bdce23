namespace RnnStream.Model.Preprocessing;

/// <summary>
/// Running mean and variance per feature of one series (West's weighted form of Welford's update),
/// so the shared network sees every series on one scale, using only what has been seen so far.
/// With a forgetting factor λ &lt; 1 old observations fade (effective memory about 1 / (1 − λ)),
/// which lets the scale follow a drifting series. Invertible, so outputs go back to the series'
/// own units.
/// </summary>
public sealed class OnlineNormalizer
{
    private readonly double[] _mean;
    private readonly double[] _sumSquares;

    /// <param name="forgetting">λ in (0, 1]; 1 keeps all history (plain Welford).</param>
    /// <param name="minimumStdDev">Floor for the scale, so a constant series does not divide by zero.</param>
    public OnlineNormalizer(int features, double forgetting = 1.0, double minimumStdDev = 1e-6)
    {
        if (features < 1) throw new ArgumentOutOfRangeException(nameof(features), features, "needs at least one feature");
        if (!(forgetting > 0 && forgetting <= 1)) throw new ArgumentOutOfRangeException(nameof(forgetting), forgetting, "must be in (0, 1]");
        if (!(minimumStdDev > 0)) throw new ArgumentOutOfRangeException(nameof(minimumStdDev), minimumStdDev, "must be positive");
        Features = features;
        Forgetting = forgetting;
        MinimumStdDev = minimumStdDev;
        _mean = new double[features];
        _sumSquares = new double[features];
    }

    public int Features { get; }
    public double Forgetting { get; }
    public double MinimumStdDev { get; }

    /// <summary>Observations seen.</summary>
    public long Count { get; private set; }

    /// <summary>Sum of the observation weights (equals <see cref="Count"/> without forgetting).</summary>
    public double Weight { get; private set; }

    public void Update(ReadOnlySpan<float> values)
    {
        if (values.Length != Features) throw new ArgumentException($"expected {Features} features, got {values.Length}", nameof(values));
        double weight = Forgetting * Weight + 1;
        double keep = Forgetting;
        for (int i = 0; i < Features; i++)
        {
            double x = values[i];
            double delta = x - _mean[i];
            _mean[i] += delta / weight;
            _sumSquares[i] = keep * _sumSquares[i] + delta * (x - _mean[i]);
        }
        Weight = weight;
        Count++;
    }

    public double Mean(int feature) => _mean[feature];

    /// <summary>Population variance of what was seen (weighted when forgetting).</summary>
    public double Variance(int feature) => Weight > 0 ? Math.Max(0, _sumSquares[feature] / Weight) : 0;

    /// <summary>The scale used to normalize: 1 until two observations, then the standard deviation (floored).</summary>
    public double Scale(int feature) => Count < 2 ? 1.0 : Math.Max(Math.Sqrt(Variance(feature)), MinimumStdDev);

    public void Normalize(ReadOnlySpan<float> values, Span<float> destination)
    {
        for (int i = 0; i < Features; i++)
            destination[i] = (float)((values[i] - _mean[i]) / Scale(i));
    }

    /// <summary>Back to the feature's own units.</summary>
    public float Denormalize(int feature, float normalized) => (float)(normalized * Scale(feature) + _mean[feature]);

    /// <summary>A normalized spread (a standard deviation or interval half-width) in the feature's units.</summary>
    public float DenormalizeSpread(int feature, float normalizedSpread) => (float)(normalizedSpread * Scale(feature));

    /// <summary>Values <see cref="ExportState"/> writes: weight, count, then mean and sum of squares per feature.</summary>
    public int StateLength => 2 + 2 * Features;

    /// <summary>The running statistics as plain numbers, for snapshots; <see cref="ImportState"/> restores them bit for bit.</summary>
    public void ExportState(Span<double> destination)
    {
        destination[0] = Weight;
        destination[1] = Count;
        _mean.CopyTo(destination[2..]);
        _sumSquares.CopyTo(destination[(2 + Features)..]);
    }

    public void ImportState(ReadOnlySpan<double> source)
    {
        if (source.Length != StateLength) throw new ArgumentException($"expected {StateLength} values, got {source.Length}", nameof(source));
        Weight = source[0];
        Count = (long)source[1];
        source.Slice(2, Features).CopyTo(_mean);
        source.Slice(2 + Features, Features).CopyTo(_sumSquares);
    }
}
