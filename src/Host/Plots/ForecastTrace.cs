using RnnStream.Feeds.Records;

namespace RnnStream.Host.Plots;

/// <summary>
/// One series' scored forecasts as the stream delivers them (feed row of the target, actual,
/// published forecast and interval, persistence), kept for plotting after an evaluation. Fed from
/// the stream's own thread; read once the run has completed.
/// </summary>
internal sealed class ForecastTrace(string? seriesId, int targetIndex = 0)
{
    private readonly List<long> _rows = [];
    private readonly List<double> _actual = [];
    private readonly List<double> _predicted = [];
    private readonly List<double> _lower = [];
    private readonly List<double> _upper = [];
    private readonly List<double> _persistence = [];

    /// <summary>The traced series: the one asked for, else the first that produced a scored forecast.</summary>
    public string? SeriesId { get; private set; } = seriesId;

    public string? Feature { get; private set; }
    public int Count => _rows.Count;
    public IReadOnlyList<long> Rows => _rows;
    public IReadOnlyList<double> Actual => _actual;
    public IReadOnlyList<double> Predicted => _predicted;
    public IReadOnlyList<double> Lower => _lower;
    public IReadOnlyList<double> Upper => _upper;
    public IReadOnlyList<double> Persistence => _persistence;

    public void Record(Prediction prediction)
    {
        if (prediction.Matured is not { } outcome) return;
        SeriesId ??= prediction.SeriesId;
        if (prediction.SeriesId != SeriesId) return;
        if (targetIndex >= outcome.Count)
            throw new ArgumentException($"the feed predicts {outcome.Count} feature(s); there is no feature {targetIndex + 1} to plot");
        Feature ??= prediction.Features[targetIndex];
        _rows.Add(prediction.Offset);
        _actual.Add(outcome.Actual[targetIndex]);
        _predicted.Add(outcome.Predicted[targetIndex]);
        _lower.Add(outcome.Lower[targetIndex]);
        _upper.Add(outcome.Upper[targetIndex]);
        _persistence.Add(outcome.Persistence[targetIndex]);
    }
}
