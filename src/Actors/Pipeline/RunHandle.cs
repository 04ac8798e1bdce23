using Akka.Actor;
using Akka.Streams;
using RnnStream.Actors.Metrics;
using RnnStream.Actors.Training;

namespace RnnStream.Actors.Pipeline;

/// <summary>A running pipeline: stop it gracefully, wait for it, watch its metrics and weights.</summary>
public sealed class RunHandle(IKillSwitch killSwitch, Task completion, RunMetrics metrics, ModelRegistry registry, ReplayBuffer replay, IReadOnlyList<IActorRef> partitions)
{
    public RunMetrics Metrics { get; } = metrics;
    public ModelRegistry Registry { get; } = registry;
    public ReplayBuffer Replay { get; } = replay;
    public IReadOnlyList<IActorRef> Partitions { get; } = partitions;

    /// <summary>Checkpoints of a run that keeps durable state; null otherwise.</summary>
    public Persistence.CheckpointStats? Checkpoints { get; init; }

    /// <summary>Where the run's key groups are: on this node, or sharded over a cluster.</summary>
    public KeyGroups? KeyGroups { get; init; }

    /// <summary>
    /// How one series stands (<see cref="Protocol.SeriesStatus"/>, or <see cref="Protocol.SeriesUnknown"/>), from the
    /// key group that owns it, between two of its batches; scores from this node's metrics where the key group keeps none.
    /// </summary>
    public async Task<object> DescribeSeries(string seriesId, TimeSpan timeout)
    {
        var keyGroups = KeyGroups ?? throw new InvalidOperationException("the run has no key groups to ask");
        var answer = await keyGroups.Ask(new Protocol.SeriesMessageExtractor(keyGroups.Count).Partition(seriesId), new Protocol.SeriesQuery(seriesId), timeout);
        return answer is Protocol.SeriesStatus { Scores: null } status && Metrics.PerSeriesScore(seriesId) is { } score
            ? status with { Scores = Protocol.SeriesScoreSummary.Of(score) }
            : answer;
    }

    /// <summary>Completes when every accepted tick has been forecast and every sink has flushed.</summary>
    public Task Completion { get; } = completion;

    /// <summary>Stops taking new ticks; what is in flight is still forecast and written (Ctrl+C).</summary>
    public void Drain() => killSwitch.Shutdown();

    /// <summary>Stops the stream at once with <paramref name="reason"/>, nothing drained (a cluster lost a node and rolls back to its last checkpoint).</summary>
    public void Abort(Exception reason) => killSwitch.Abort(reason);
}
