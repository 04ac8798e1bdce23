using RnnStream.Feeds.Records;

namespace RnnStream.Actors.Metrics;

/// <summary>
/// One series' scores: those counted from the run's scoring offset, and every matured forecast
/// (the truth's spread, for NRMSE). Written only by the partition that owns the series, right
/// after its tick, where the series is already in the cache; read by the stream when nothing is in
/// flight (a checkpoint) and when the run is over.
/// </summary>
public sealed class SeriesScores
{
    public ForecastScore Scored { get; } = new();
    public ForecastScore Whole { get; } = new();

    public void Record(Prediction prediction, long scoreFromOffset)
    {
        if (prediction.Matured is not { } outcome) return;
        ReadOnlySpan<float> actual = outcome.Actual, predicted = outcome.Predicted, lower = outcome.Lower, upper = outcome.Upper, persistence = outcome.Persistence;
        bool scored = prediction.Offset >= scoreFromOffset;
        for (int k = 0; k < actual.Length; k++)
        {
            Whole.Add(actual[k], predicted[k], lower[k], upper[k], persistence[k]);
            if (scored) Scored.Add(actual[k], predicted[k], lower[k], upper[k], persistence[k]);
        }
    }
}
