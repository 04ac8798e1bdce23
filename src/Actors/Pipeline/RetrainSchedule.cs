using RnnStream.Feeds.Records;

namespace RnnStream.Actors.Pipeline;

/// <summary>
/// When to retrain: every N ticks, every period of event time (aligned to multiples of the period,
/// so weekly retrains fall on Mondays at midnight), and on live feeds every period of wall-clock
/// time. Decided on the stream's own order of ticks, so a replay retrains at the same points every run.
/// </summary>
public sealed class RetrainSchedule
{
    private long _ticks;
    private DateTime? _nextEventTrigger;

    public RetrainMode Mode { get; init; } = RetrainMode.Replay;

    /// <summary>Retrain after every this many ticks; 0 = not by count.</summary>
    public long EveryTicks { get; init; }

    /// <summary>Retrain whenever event time crosses a multiple of this period; null = not by event time.</summary>
    public TimeSpan? EveryEventTime { get; init; }

    /// <summary>Live mode only: retrain this often by the clock; null = not by the clock.</summary>
    public TimeSpan? EveryWallClock { get; init; }

    /// <summary>
    /// Replay mode: a retrain runs beside the stream and its candidate takes effect this many ticks
    /// after its cut (the stream waits there only if it is late); 0: the stream waits at the cut.
    /// </summary>
    public long TakesEffectAfterTicks { get; init; }

    /// <summary>Event time before which no retrain is due (a warm-up), if any.</summary>
    public DateTime? NotBefore { get; init; }

    public bool IsEnabled => EveryTicks > 0 || EveryEventTime is not null || EveryWallClock is not null;

    /// <summary>The same schedule, not yet started: each run counts from its own start (a cluster's run after a rollback to nothing ran on a used one and skipped its retrains).</summary>
    public RetrainSchedule Unstarted() => new() { Mode = Mode, EveryTicks = EveryTicks, EveryEventTime = EveryEventTime, EveryWallClock = EveryWallClock, NotBefore = NotBefore,
        TakesEffectAfterTicks = TakesEffectAfterTicks };

    /// <summary>
    /// Called for each tick in stream order, before it is dispatched. True when a retrain is due
    /// first; <paramref name="cutoff"/> is then the event time the training data must end before
    /// (null: everything seen so far).
    /// </summary>
    public bool IsDueBefore(Tick tick, out DateTime? cutoff)
    {
        cutoff = null;
        bool due = false;
        if (EveryTicks > 0 && _ticks > 0 && _ticks % EveryTicks == 0) due = true;
        _ticks++;
        if (EveryEventTime is { } period)
        {
            if (_nextEventTrigger is null) _nextEventTrigger = NextMultiple(tick.Timestamp, period);
            else if (tick.Timestamp >= _nextEventTrigger)
            {
                cutoff = _nextEventTrigger;
                due = true;
                while (_nextEventTrigger <= tick.Timestamp) _nextEventTrigger += period;
            }
        }
        if (due && NotBefore is { } start && tick.Timestamp < start) return false;
        return due;
    }

    /// <summary>Where the schedule stands (ticks counted, next event-time trigger), for a checkpoint.</summary>
    public (long Ticks, DateTime? NextEventTrigger) Position => (_ticks, _nextEventTrigger);

    /// <summary>Puts a fresh schedule where a checkpoint found the one it replaces.</summary>
    public void Restore((long Ticks, DateTime? NextEventTrigger) position) => (_ticks, _nextEventTrigger) = position;

    private static DateTime NextMultiple(DateTime time, TimeSpan period) =>
        new(((time.Ticks / period.Ticks) + 1) * period.Ticks, time.Kind);
}
