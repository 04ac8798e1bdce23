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

    /// <summary>
    /// The feed gives the same records at the same offsets when read again (a file, a seeded
    /// generator), so a resumed run skips what its checkpoint covered. A socket does not: after a
    /// restart its offsets start again and every line is new.
    /// </summary>
    public bool ReplayableFeed { get; init; } = true;

    /// <summary>The feed parser's last time per series, restored from the checkpoint on resume; null when the feed keeps none.</summary>
    public Feeds.Parsing.ISeriesClock? FeedClock { get; init; }

    /// <summary>
    /// Sees each record set aside, on its way to the quarantine (before its cap), e.g. to tell the
    /// socket client that sent it; null for none. It is counted either way.
    /// </summary>
    public Action<Feeds.Records.Rejected>? OnRejected { get; init; }

    /// <summary>
    /// Sees each tick that could not be forecast, on the output's thread just before the output would
    /// have had it (the outputs never do: it has no values), e.g. to tell the socket client that sent
    /// it; null for none. It is counted and logged either way.
    /// </summary>
    public Action<Feeds.Records.Prediction>? OnFailed { get; init; }
}
