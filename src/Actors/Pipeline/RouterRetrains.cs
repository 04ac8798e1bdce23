using RnnStream.Actors.Training;

namespace RnnStream.Actors.Pipeline;

/// <summary>
/// How the router retrains: when (<paramref name="Schedule"/>), how a retrain is started
/// (<paramref name="Start"/>, with the event-time cutoff of the windows it may use), and who hears
/// how it ended (<paramref name="OnOutcome"/>, or <paramref name="OnFailure"/> when it threw or timed out).
/// </summary>
public sealed record RouterRetrains(RetrainSchedule Schedule, Func<DateTime?, Task<RetrainOutcome>> Start)
{
    public Action<RetrainOutcome> OnOutcome { get; init; } = _ => { };
    public Action<Exception> OnFailure { get; init; } = _ => { };

    /// <summary>
    /// A replay's retrains beside the stream (its schedule's <see cref="RetrainSchedule.TakesEffectAfterTicks"/> is
    /// above 0): started at the cut, the outcome heard (<see cref="OnOutcome"/>, which puts a candidate in use) with
    /// nothing in flight at the point where it takes effect; null: the stream waits at every retrain (<see cref="Start"/>).
    /// </summary>
    public Func<DateTime?, OverlappedRetrain>? StartOverlapped { get; init; }
}
