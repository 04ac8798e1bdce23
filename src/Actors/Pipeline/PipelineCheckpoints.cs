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
/// <param name="gatherWindows">A cluster's training windows, merged from every node (whose buffers the held stream leaves as they are at the cut); null: this node's replay buffer holds them all.</param>
internal sealed class PipelineCheckpoints(Durability durability, RetrainSchedule? schedule, ModelRegistry registry, ReplayBuffer replay,
    RunMetrics metrics, KeyGroups partitions, OutputCommits? outputCommits, Func<Task<IReadOnlyList<TrainingWindow>>>? gatherWindows = null)
{
    /// <summary>The number of the last checkpoint taken (committed or not); before any, the last committed in the store (past the one resumed from, when going back).</summary>
    public long Last { get; private set; } = Math.Max(durability.Cut?.Number ?? 0, durability.LatestNumber);

    public RouterCheckpoints ForRouter(bool replayableFeed) =>
        new(durability.CheckpointEvery, durability.Cut?.PredictionsWritten ?? 0, Take) { Interval = durability.CheckpointInterval, CutWhenQuiet = !replayableFeed };

    private Task Take(RouterCut cutAt)
    {
        long number = ++Last;
        durability.Stats.Started(number);
        var position = schedule?.Position ?? (0, null);
        long version = registry.Version;
        var scores = metrics.ExportScores();
        var flushed = outputCommits?.FlushAt(cutAt.PredictionsWritten) ?? Task.FromResult(OutputMark.None);
        if (gatherWindows is null)
        {
            Start(replay.Snapshot());
            return Task.CompletedTask;
        }
        return Gathered();

        async Task Gathered()
        {
            IReadOnlyList<TrainingWindow> windows;
            try
            {
                windows = await gatherWindows();
            }
            catch
            {
                durability.Stats.Failed(number);
                throw;
            }
            Start(windows);
        }

        // The coordinator hears of the checkpoint before any key group is asked, so no part's answer comes before its start.
        void Start(IReadOnlyList<TrainingWindow> windows)
        {
            var taken = new PipelineCut(number, cutAt.NextOffset, cutAt.SkipAtNextOffset, cutAt.PredictionsWritten, position.Ticks, position.NextEventTrigger,
                version, partitions.Count, windows) { Metrics = scores };
            durability.Coordinator.Tell(new CheckpointStarted(taken, flushed));
            for (int p = 0; p < partitions.Count; p++)
                partitions.Tell(p, new Protocol.StoreKeyGroup(number, durability.Coordinator), ActorRefs.Nobody);
        }
    }
}
