namespace RnnStream.Actors.Metrics;

/// <summary>
/// A run's scores over all its series, pooled from each series' own sums in the ordinal order of
/// their ids. Floating-point sums depend on the order of their terms, and the partitions deliver the
/// series' forecasts interleaved differently from run to run; each series' own sums and the order of
/// the ids do not change, so a replay of the same file reports the same bits every time.
/// </summary>
/// <param name="Scored">The published forecasts from the scoring offset on, with their intervals scored beside the naive interval's.</param>
/// <param name="Whole">Every matured forecast, warm-up included: the truth's spread, which NRMSE is relative to.</param>
/// <param name="Network">The network's own forecasts from the scoring offset on, whichever forecast each series published.</param>
public sealed record OverallScores(ForecastScore Scored, ForecastScore Whole, ForecastScore Network)
{
    /// <summary>NRMSE as the benchmark defines it: scored RMSE over the standard deviation of the whole truth series.</summary>
    public double Nrmse => Scored.NrmseOver(Whole.TruthStdDev);
}
