using RnnStream.Actors.Pipeline;
using RnnStream.Actors.Training;
using RnnStream.Host.Configuration;

namespace RnnStream.Host.Running;

/// <summary>
/// training.holdout and training.sample-half-life left at auto, sized to the retrain schedule:
/// the holdout is the windows one retrain interval brings (what the weights in use have not been
/// trained on), and a window six intervals old is drawn half as often as a new one. With a fixed
/// share of the buffer instead (20%), a single long series was never trained on its newest two
/// months, and a change in it was learned that late (docs/RESULTS.md, the perturbed taxi stream).
/// </summary>
internal static class AutoTrainingBudget
{
    public const double MostHoldout = 0.2;
    public const double LeastHoldout = 0.01;
    public const int HalfLifeRetrains = 6;

    /// <returns>The retrain settings to run with, and what to say about what auto chose (empty: nothing was auto).</returns>
    public static (RetrainSettings Settings, string Said) Size(Deployment deployment, RetrainSchedule? schedule, int trainEvery)
    {
        var settings = deployment.Retrain;
        if (!deployment.HoldoutIsAuto && !deployment.SampleHalfLifeIsAuto) return (settings, "");
        double? windows = WindowsPerRetrain(deployment, schedule, trainEvery);
        if (windows is not { } perRetrain)
            return (settings, $"holdout {settings.HoldoutFraction:P0} of the windows, all drawn alike (auto: the windows a retrain brings are not known ahead)");
        var said = new List<string>();
        if (deployment.HoldoutIsAuto)
        {
            settings = settings with { HoldoutFraction = Math.Clamp(perRetrain / deployment.ReplayCapacity, LeastHoldout, MostHoldout) };
            said.Add($"holdout {settings.HoldoutFraction:P1} of the windows");
        }
        if (deployment.SampleHalfLifeIsAuto)
        {
            settings = settings with { SampleHalfLife = Math.Round(HalfLifeRetrains * perRetrain) };
            said.Add($"sample half-life {settings.SampleHalfLife:N0} windows");
        }
        return (settings, $"{string.Join(", ", said)} (auto: a retrain brings about {perRetrain:N0} windows)");
    }

    /// <summary>Windows handed to the replay buffer between two retrains; null when the schedule runs by the clock or the tick rate is not known.</summary>
    private static double? WindowsPerRetrain(Deployment deployment, RetrainSchedule? schedule, int trainEvery) =>
        TicksPerRetrain(deployment, schedule) / Math.Max(1, trainEvery);

    /// <summary>Ticks of the whole feed between two replay retrains (about, for a schedule in event time); null when the schedule runs by the clock or the tick rate is not known.</summary>
    public static double? TicksPerRetrain(Deployment deployment, RetrainSchedule? schedule)
    {
        if (schedule is null || schedule.Mode == RetrainMode.Live) return null;
        if (schedule.EveryTicks > 0) return schedule.EveryTicks;
        // Irregular ticks (a market's trading days) bring, on average, what their mean step says.
        if (schedule.EveryEventTime is { } period && deployment.Inputs is { SeriesCount: > 0 } seen && (seen.Step ?? seen.MeanStep) is { } step)
            return period / step * seen.SeriesCount;
        return null;
    }
}
