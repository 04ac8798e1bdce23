using RnnStream.Actors.Pipeline;
using RnnStream.Feeds.Parsing;
using RnnStream.Host.Configuration;

namespace RnnStream.Host.Running;

/// <summary>
/// When a deployment sets no retrain trigger (training.every-ticks, every-event-time,
/// every-wall-clock) and leaves training.auto on, the run still retrains: a replay every 5% of the
/// feed's ticks (so about twenty retrains, never sooner than min-windows windows can exist), a
/// live feed every 5 minutes. The choice is said on the first line, with the key that overrides it.
/// </summary>
internal static class AutoSchedule
{
    public const double ShareOfFeed = 0.05;
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
        long? ticks = FeedTicks(deployment);
        long every = Math.Max(soonest, ticks is { } total ? (long)(total * ShareOfFeed) : soonest);
        var replay = new RetrainSchedule { Mode = keys.Mode, EveryTicks = every, NotBefore = keys.NotBefore };
        string basis = ticks is { } known ? $"5% of the feed's {known:N0} ticks" : "the feed's length is unknown";
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

    /// <summary>Ticks a replay will bring: data lines of a file (times series columns for a wide one), or a synthetic feed's count; null if not known up front.</summary>
    private static long? FeedTicks(Deployment deployment)
    {
        switch (deployment.FeedType)
        {
            case "synthetic-prices" or "synthetic-vitals":
                return (long)deployment.SyntheticSeries * deployment.SyntheticTicks;
            case "file" when deployment.FeedPath is { } path && File.Exists(path):
            {
                long lines = 0;
                string? header = null;
                using var reader = new StreamReader(path);
                while (reader.ReadLine() is { } line)
                {
                    if (line.Length == 0) continue;
                    header ??= line;
                    lines++;
                }
                if (deployment.Schema.Format == FeedFormat.JsonLines) return lines;
                long rows = Math.Max(0, lines - 1);
                // Wide: every column but the time is a series, so a row is that many ticks.
                return deployment.Schema.Format == FeedFormat.Wide && header is not null
                    ? rows * Math.Max(1, header.Split(deployment.Schema.Delimiter).Length - 1)
                    : rows;
            }
            default:
                return null;
        }
    }
}
