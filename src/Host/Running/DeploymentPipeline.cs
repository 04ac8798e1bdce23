using RnnStream.Actors.Pipeline;
using RnnStream.Host.Configuration;
using RnnStream.Model.Weights;

namespace RnnStream.Host.Running;

/// <summary>What a deployment and its opened feed make of the pipeline: its settings and the weights it starts from (the command line's run and an embedding host alike).</summary>
internal static class DeploymentPipeline
{
    /// <returns>The settings, and what the run says about them: its retraining (the keys' schedule, or the one chosen for it) and what its auto keys became.</returns>
    public static (PipelineSettings Settings, string Training) Settings(Deployment deployment, OpenedFeed feed, bool replayableFeed)
    {
        var series = deployment.Series(feed.Features, feed.Targets);
        var (schedule, training) = AutoSchedule.Choose(deployment, series.TrainEvery);
        // A candidate still pending at the next cut takes effect there, and the next one starts at once:
        // checkpoints, which wait while one is pending, would then never be taken.
        if (schedule is { TakesEffectAfterTicks: > 0 and var after } && AutoTrainingBudget.TicksPerRetrain(deployment, schedule) is { } interval && after >= interval)
            throw new ArgumentException($"training.takes-effect-after = {after:N0} is not shorter than the {interval:N0} ticks a retrain interval brings here " +
                $"({(schedule.EveryTicks > 0 ? $"every {schedule.EveryTicks:N0} ticks" : $"every {schedule.EveryEventTime} of event time, at the warm-up's tick rate")}): " +
                "each candidate takes effect before the next retrain starts, and checkpoints wait while one is pending");
        var (retrain, budget) = AutoTrainingBudget.Size(deployment, schedule, series.TrainEvery);
        var settings = new PipelineSettings
        {
            Series = series,
            Router = deployment.Router,
            Schedule = schedule,
            Retrain = retrain,
            ReplayCapacity = deployment.ReplayCapacity,
            ScoreFromOffset = deployment.ScoreFrom,
            ReplayableFeed = replayableFeed,
            FeedClock = feed.Clock,
            OnRejected = feed.RejectsBack,
            OnFailed = feed.FailuresBack,
        };
        string said = string.Join("; ", new[] { training, budget, deployment.InputsSaid }.Where(part => part.Length > 0));
        return (settings, said);
    }

    /// <summary>The deployment's weights file, checked against the model it describes, or fresh weights from its seed.</summary>
    public static ModelWeights InitialWeights(Deployment deployment, Model.Specs.ModelSpec spec)
    {
        if (deployment.WeightsFile is not { } path) return WeightInitializer.Initialize(spec, deployment.Seed);
        using var file = File.OpenRead(path);
        var weights = ModelWeightsSerializer.Read(file);
        if (!weights.Spec.Equals(spec))
            throw new ArgumentException($"weights file '{path}' is for a different model ({weights.Spec.ParameterCount:N0} parameters, this deployment needs {spec.ParameterCount:N0})");
        return weights;
    }
}
