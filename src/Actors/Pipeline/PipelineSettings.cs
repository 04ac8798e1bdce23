using RnnStream.Actors.Series;
using RnnStream.Actors.Training;

namespace RnnStream.Actors.Pipeline;

/// <summary>Everything the live pipeline needs besides its feed, sinks and initial weights.</summary>
public sealed record PipelineSettings
{
    public required SeriesSettings Series { get; init; }
    public RouterSettings Router { get; init; } = new();
    public RetrainSchedule? Schedule { get; init; }
    public RetrainSettings Retrain { get; init; } = new();
    public int ReplayCapacity { get; init; } = 4096;

    /// <summary>Forecasts made at feed offsets before this are not scored (warm-up).</summary>
    public long ScoreFromOffset { get; init; }
}
