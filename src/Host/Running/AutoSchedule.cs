using RnnStream.Actors.Pipeline;
using RnnStream.Host.Configuration;

namespace RnnStream.Host.Running;

/// <summary>
/// When a deployment sets no retrain trigger (training.every-ticks, every-event-time,
/// every-wall-clock) and leaves training.auto on, the run still retrains: a replay every 2.5% of the
/// feed's ticks (so about forty retrains, never sooner than min-windows windows can exist), or once
/// a season when the feed has one (series.seasonal-lag) and that comes sooner, a
/// live feed every 5 minutes. The choice is said on the first line, with the key that overrides it.
/// </summary>
internal static class AutoSchedule
{
    public const double ShareOfFeed = 0.025;
    public const double LeastShareOfFeed = 0.01;
    public static readonly TimeSpan LivePeriod = TimeSpan.FromMinutes(5);

    /// <returns>The schedule to run (null: no retraining) and what to say about it.</returns>
    public static (RetrainSchedule? Schedule, string Said) Choose(Deployment deployment, int seriesTrainEvery)
    {
        var keys = deployment.Schedule;
        // A copy: the deployment's own would carry one run's position into the next (a rollback's restart, an embedding's second run).
        if (keys.IsEnabled) return (keys.Unstarted(), Describe(keys));
        if (!deployment.AutoTraining) return (null, "no retraining (training.auto = off and no training.every-* key)");
        if (deployment.FeedType == "tcp" || keys.Mode == RetrainMode.Live)
        {
            var live = new RetrainSchedule { Mode = RetrainMode.Live, EveryWallClock = LivePeriod, NotBefore = keys.NotBefore };
            return (live, $"retrain every {LivePeriod.TotalMinutes:N0} min (auto; training.every-wall-clock sets it)");
        }
        // Before min-windows windows can exist, a retrain would only be skipped.
        long soonest = (long)deployment.Retrain.MinWindows * Math.Max(1, seriesTrainEvery);
        long? ticks = deployment.FeedTicks;
        long every = Math.Max(soonest, ticks is { } total ? (long)(total * ShareOfFeed) : soonest);
        string basis = ticks is { } known ? $"2.5% of the feed's {known:N0} ticks" : "the feed's length is unknown";
        // A season seen: retrain once a season of every series has come, so each retrain has the latest cycle (but at most a hundred times).
        if (deployment.SeasonalLag > 0 && ticks is { } length && deployment.Inputs.SeriesCount > 0)
        {
            long season = (long)deployment.SeasonalLag * deployment.Inputs.SeriesCount;
            long seasonal = Math.Max(soonest, Math.Max(season, (long)(length * LeastShareOfFeed)));
            if (seasonal < every)
            {
                every = seasonal;
                basis = $"a season of {deployment.SeasonalLag:N0} ticks of {deployment.Inputs.SeriesCount:N0} series, at least 1% of the feed's {length:N0} ticks";
            }
        }
        var replay = new RetrainSchedule { Mode = keys.Mode, EveryTicks = every, NotBefore = keys.NotBefore };
        return (replay, $"retrain every {every:N0} ticks (auto: {basis}; training.every-ticks or every-event-time sets it)");
    }

    private static string Describe(RetrainSchedule schedule)
    {
        var parts = new List<string>();
        if (schedule.EveryTicks > 0) parts.Add($"every {schedule.EveryTicks:N0} ticks");
        if (schedule.EveryEventTime is { } period) parts.Add($"every {period} of event time");
        if (schedule.EveryWallClock is { } clock) parts.Add($"every {clock} of wall-clock time");
        return "retrain " + string.Join(" and ", parts);
    }
}
