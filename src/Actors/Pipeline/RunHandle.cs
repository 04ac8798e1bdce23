using Akka.Actor;
using Akka.Streams;
using RnnStream.Actors.Metrics;
using RnnStream.Actors.Training;

namespace RnnStream.Actors.Pipeline;

/// <summary>A running pipeline: stop it gracefully, wait for it, watch its metrics and weights.</summary>
/// <param name="feedSwitch">Between the feed and the rest: stops the ticks coming in.</param>
/// <param name="outputSwitch">Between the router and the outputs: fails the stream even when the feed has already ended (all of it read, some still in flight).</param>
public sealed class RunHandle(IKillSwitch feedSwitch, IKillSwitch outputSwitch, Task completion, RunMetrics metrics, ModelRegistry registry, ReplayBuffer replay, IReadOnlyList<IActorRef> partitions)
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
    public void Drain() => feedSwitch.Shutdown();

    /// <summary>Stops the stream at once with <paramref name="reason"/>, nothing drained (a cluster lost a node and rolls back to its last checkpoint).</summary>
    public void Abort(Exception reason)
    {
        feedSwitch.Abort(reason);
        // The feed may have been read to its end already, with ticks still waiting for a lost key group's answer: this one ends the wait.
        outputSwitch.Abort(reason);
    }
}
