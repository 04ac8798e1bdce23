namespace RnnStream.Actors.Protocol;

/// <summary>
/// How one series stands, from the key group that owns it: its last tick, the forecast it published
/// after that tick (per target, with the interval, the forecaster and the weights version), and
/// its running scores so far.
/// </summary>
/// <param name="Live">Its state is in memory; false while it is passivated (idle).</param>
/// <param name="TargetTime">The time the forecast is for; null while the series' step is not known.</param>
/// <param name="Scores">Null where the run keeps no per-series scores (a key group on another node than the run's metrics).</param>
public sealed record SeriesStatus(
    string SeriesId,
    bool Live,
    long Ticks,
    DateTime LastTickTime,
    IReadOnlyList<string> Features,
    float[] LastValues,
    DateTime? TargetTime,
    IReadOnlyList<string> Targets,
    float[] Predicted,
    float[] Lower,
    float[] Upper,
    string Forecaster,
    long WeightsVersion,
    SeriesScoreSummary? Scores) : IWithSeriesId;

/// <summary>A series' running scores of its published forecast (NaN until one matured).</summary>
public sealed record SeriesScoreSummary(long Count, double Mae, double Rmse, double Mase, double Coverage)
{
    public static SeriesScoreSummary Of(Metrics.ForecastScore score) => new(score.Count, score.Mae, score.Rmse, score.Mase, score.Coverage);
}
