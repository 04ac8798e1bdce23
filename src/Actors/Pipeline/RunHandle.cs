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

    /// <summary>Completes when every accepted tick has been forecast and every sink has flushed.</summary>
    public Task Completion { get; } = completion;

    /// <summary>Stops taking new ticks; what is in flight is still forecast and written (Ctrl+C).</summary>
    public void Drain() => killSwitch.Shutdown();

    /// <summary>Stops the stream at once with <paramref name="reason"/>, nothing drained (a cluster lost a node and rolls back to its last checkpoint).</summary>
    public void Abort(Exception reason) => killSwitch.Abort(reason);
}
