using RnnStream.Model.Inference;
using RnnStream.Model.Preprocessing;

namespace RnnStream.Actors.Series;

/// <summary>
/// Everything one series remembers: the network's hidden state, its normalizer, a ring of recent
/// ticks, the forecasts it still owes a score, and its residual spread. Owned by one actor at a
/// time; survives passivation as this object.
/// </summary>
public sealed class SeriesState
{
    public SeriesState(string seriesId, SeriesSettings settings, StateLayout layout)
    {
        SeriesId = seriesId;
        Hidden = new RecurrentState(layout);
        Normalizer = new OnlineNormalizer(settings.Features, settings.NormalizerForgetting);
        RecentCapacity = settings.WindowLength;
        int k = settings.Targets;
        Owed = new float[settings.Horizon * OwedStride(k)];
        Array.Fill(Owed, float.NaN);
        ResidualSquares = new double[k];
        if (settings.PredictChange) Changes = new OnlineNormalizer(k, settings.NormalizerForgetting);
        int lags = settings.RidgeLags;
        RidgeWeights = lags > 0 ? new double[k * lags] : [];
        RidgeInverse = lags > 0 ? new double[k * lags * lags] : [];
        for (int j = 0; j < k && lags > 0; j++)
            Model.Baselines.RecursiveLeastSquares.Initialize(RidgeWeights.AsSpan(j * lags, lags), RidgeInverse.AsSpan(j * lags * lags, lags * lags), settings.RidgePenalty);
        BlendWeights = lags > 0 ? new double[2 * k] : [];
        BlendInverse = lags > 0 ? new double[4 * k] : [];
        for (int j = 0; j < k && lags > 0; j++)
            Model.Baselines.RecursiveLeastSquares.Initialize(BlendWeights.AsSpan(2 * j, 2), BlendInverse.AsSpan(4 * j, 4), BlendPenalty);
        // The rings come last: a tick reads a few slots of them and the parts above whole, and objects
        // made one after another lie together in memory, so those parts share cache lines and the
        // prefetcher's runs (the bench's one-thread loop at 10,000 series about 10% faster; RESULTS).
        RecentValues = new float[settings.WindowLength * settings.Features];
        // Only time features read a remembered tick's time back: without them a ring of times is
        // 4 bytes a tick of every series for nothing (a quarter of a megabyte per thousand series).
        RecentSeconds = settings.TimeFeatures ? new int[settings.WindowLength] : [];
        SeasonalHistory = settings.SeasonalCapacity > 0 ? new float[settings.SeasonalCapacity * k] : [];
    }

    public string SeriesId { get; }
    public RecurrentState Hidden { get; }
    public OnlineNormalizer Normalizer { get; }

    /// <summary>Running statistics of each target's change over the horizon (only when predicting changes).</summary>
    public OnlineNormalizer? Changes { get; }

    /// <summary>The last ticks' values, oldest at <see cref="RecentStart"/> (ring of WindowLength × D).</summary>
    public float[] RecentValues { get; }

    /// <summary>Their times, in seconds after <see cref="Origin"/> (4 bytes a tick instead of 8); empty without time features, which alone read them.</summary>
    public int[] RecentSeconds { get; }

    /// <summary>Ticks the ring holds when full: the window length.</summary>
    public int RecentCapacity { get; }

    public int RecentCount { get; set; }
    public int RecentStart { get; set; }
    public DateTime Origin { get; set; }

    /// <summary>Per horizon slot: published forecast, lower, upper, persistence, network forecast, ridge forecast, their mean (K each); NaN when nothing is owed.</summary>
    public float[] Owed { get; }

    /// <summary>Running mean squared residual of the published forecast, per target: the interval's width.</summary>
    public double[] ResidualSquares { get; }

    public long Residuals { get; set; }

    /// <summary>Running mean absolute error, in normalized units, of the network and of persistence: what chooses between them.</summary>
    public double NetworkError { get; set; }

    public double PersistenceError { get; set; }

    public double RidgeError { get; set; }

    public double CombinedError { get; set; }

    /// <summary>Per target: the ridge autoregression's weights (lags) and inverse covariance (lags²); empty when it is off.</summary>
    public double[] RidgeWeights { get; }

    public double[] RidgeInverse { get; }

    /// <summary>Per target: the blend's two weights (network, ridge) and their inverse covariance (2²); empty when the ridge is off.</summary>
    public double[] BlendWeights { get; }

    public double[] BlendInverse { get; }

    /// <summary>
    /// Ridge penalty of the blend's two weights. Small: its inputs are predicted changes in units of
    /// the level's spread, often tiny, and a penalty like the autoregression's would hold the weights
    /// near zero (persistence) for thousands of ticks.
    /// </summary>
    private const double BlendPenalty = 1e-3;

    /// <summary>The targets' values of the last ticks for the seasonal inputs: tick n at n mod capacity (K each); empty when off.</summary>
    public float[] SeasonalHistory { get; }

    public long TicksSeen { get; set; }
    public DateTime LastTimestamp { get; set; }
    public TimeSpan LastStep { get; set; }

    /// <summary>Weights version the hidden state was built with; a different current version means re-warm first.</summary>
    public long WeightsVersion { get; set; } = -1;

    public static int OwedStride(int targets) => OwedForecasts.Stride(targets);

    /// <summary>
    /// Reads a value from each part of the state a tick uses (hidden state, normalizer, owed
    /// forecasts, residuals, the ring's next slot), bringing them into the cache ahead of the tick;
    /// the sum means nothing and is returned only so the reads are kept.
    /// </summary>
    public float Touch()
    {
        var hidden = Hidden.Values;
        float sum = hidden[0] + hidden[^1] + Owed[0] + (float)ResidualSquares[0] + (float)Normalizer.Mean(0);
        if (RecentCount > 0) sum += RecentValues[RecentStart * (RecentValues.Length / RecentCapacity)];
        if (RecentCount > 0 && RecentSeconds.Length > 0) sum += RecentSeconds[RecentStart];
        if (Changes is not null) sum += (float)Changes.Mean(0);
        return sum;
    }
}
