using RnnStream.Actors.Training;

namespace RnnStream.Actors.Protocol;

/// <summary>
/// Before a cluster's run starts (or starts again from a checkpoint after losing a node), every
/// node's shared state returns to the run's starting point: its weights registry to
/// <paramref name="Weights"/> (the weights file format; its version may be older than the node's
/// current one), its replay buffer to <paramref name="Windows"/> (a node may get none: the trainer
/// merges all nodes' buffers). Answered with the same message's <see cref="Done"/>.
/// </summary>
public sealed record NodeReset(byte[] Weights, IReadOnlyList<TrainingWindow> Windows)
{
    /// <summary>The node's answer: a plain string, so it needs no serializer of ours.</summary>
    public const string Done = "rnnstream:node-reset";
}
