using RnnStream.Model.Training;

namespace RnnStream.Actors.Training;

/// <summary>How a retrain runs: how much it trains, on what, and what a candidate must do to be promoted.</summary>
public sealed record RetrainSettings
{
    public TrainingOptions Options { get; init; } = new();
    public int BatchSize { get; init; } = 32;

    /// <summary>Optimizer passes over sampled batches per retrain.</summary>
    public int Batches { get; init; } = 100;

    /// <summary>Share of the newest windows held out to judge the candidate against the weights in use.</summary>
    public double HoldoutFraction { get; init; } = 0.2;

    /// <summary>
    /// Recency of the training sample, in windows: a window this many newer than another is drawn
    /// twice as often, so a shifted pattern is learned within a retrain or two while older windows
    /// still regularize; 0 = every window alike.
    /// </summary>
    public double SampleHalfLife { get; init; }

    /// <summary>Windows needed before a retrain is attempted at all.</summary>
    public int MinWindows { get; init; } = 32;

    public int Seed { get; init; } = 1;

    /// <summary>How long the stream waits for a retrain's answer before it counts the retrain as failed and goes on.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(30);
}
