using RnnStream.Feeds.Records;

namespace RnnStream.Actors.Metrics;

/// <summary>
/// One series' scores: those counted from the run's scoring offset, and every matured forecast
/// (the truth's spread, for NRMSE), each with its intervals scored beside the naive interval the
/// series' own persistence errors give. Written only by the partition that owns the series, right
/// after its tick, where the series is already in the cache; read by the stream when nothing is in
/// flight (a checkpoint) and when the run is over.
/// </summary>
public sealed class SeriesScores
{
    public ForecastScore Scored { get; } = new();
    public ForecastScore Whole { get; } = new();

    /// <summary>The network's own forecasts in the scored range, whichever forecast the series published.</summary>
    public ForecastScore Network { get; } = new();

    /// <summary>Persistence's interval for this series; made on its first matured forecast (it needs the target count).</summary>
    public NaiveInterval? Naive { get; set; }

    /// <summary>Reads a value from each part a forecast's scoring uses, bringing them into the cache ahead of it (as the series state's own touch does).</summary>
    public float Touch() => Scored.Count + Whole.Count + (Naive?.Touch() ?? 0);

    /// <param name="intervalZ">The z of the published intervals; the naive interval is as wide in its own σ̂.</param>
    /// <param name="alpha">Their nominal miss rate (two-sided), for the interval score.</param>
    public void Record(Prediction prediction, long scoreFromOffset, double intervalZ, double alpha)
    {
        if (prediction.Matured is not { } outcome) return;
        bool scored = prediction.Offset >= scoreFromOffset;
        Whole.Add(outcome);
        if (scored)
        {
            Scored.Add(outcome);
            Network.AddNetwork(outcome);
        }
        ReadOnlySpan<float> actual = outcome.Actual, lower = outcome.Lower, upper = outcome.Upper, persistence = outcome.Persistence;
        var naive = Naive ??= new NaiveInterval(actual.Length);
        for (int k = 0; k < actual.Length; k++)
        {
            if (!naive.TryHalfWidth(k, intervalZ, out double half)) continue;
            double ours = ForecastScore.IntervalScore(lower[k], upper[k], actual[k], alpha);
            double naiveLower = persistence[k] - half, naiveUpper = persistence[k] + half;
            double theirs = ForecastScore.IntervalScore(naiveLower, naiveUpper, actual[k], alpha);
            bool naiveCovered = actual[k] >= naiveLower && actual[k] <= naiveUpper;
            Whole.AddIntervalComparison(ours, theirs, naiveCovered);
            if (scored) Scored.AddIntervalComparison(ours, theirs, naiveCovered);
        }
        naive.Observe(actual, persistence);
    }
}
