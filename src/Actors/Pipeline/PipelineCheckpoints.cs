using Akka.Actor;
using RnnStream.Actors.Metrics;
using RnnStream.Actors.Persistence;
using RnnStream.Actors.Series;
using RnnStream.Actors.Training;
using RnnStream.Feeds.Sinks;

namespace RnnStream.Actors.Pipeline;

/// <summary>
/// What a checkpoint does when the router has drained to a cut: numbers it, tells the coordinator
/// (with the pipeline's own part: feed position, schedule, weights version, replay buffer, scores)
/// before any key group can answer, then asks every key group to store its series.
/// </summary>
internal sealed class PipelineCheckpoints(Durability durability, RetrainSchedule? schedule, ModelRegistry registry, ReplayBuffer replay,
    RunMetrics metrics, KeyGroups partitions, OutputCommits? outputCommits)
{
    /// <summary>The number of the last checkpoint taken (committed or not); before any, the last committed in the store (past the one resumed from, when going back).</summary>
    public long Last { get; private set; } = Math.Max(durability.Cut?.Number ?? 0, durability.LatestNumber);

    public RouterCheckpoints ForRouter() =>
        new(durability.CheckpointEvery, durability.Cut?.PredictionsWritten ?? 0, Take) { Interval = durability.CheckpointInterval };

    private void Take(RouterCut cutAt)
    {
        long number = ++Last;
        durability.Stats.Started();
        var position = schedule?.Position ?? (0, null);
        var taken = new PipelineCut(number, cutAt.NextOffset, cutAt.SkipAtNextOffset, cutAt.PredictionsWritten, position.Ticks, position.NextEventTrigger,
            registry.Version, partitions.Count, replay.Snapshot()) { Metrics = metrics.ExportScores() };
        durability.Coordinator.Tell(new CheckpointStarted(taken, outputCommits?.FlushAt(cutAt.PredictionsWritten) ?? Task.FromResult(OutputMark.None)));
        for (int p = 0; p < partitions.Count; p++)
            partitions.Tell(p, new SeriesPartition.TakeSnapshot(number, CheckpointCoordinator.PartitionId(p), durability.Snapshots, durability.Coordinator), ActorRefs.Nobody);
    }
}
