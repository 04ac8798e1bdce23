using RnnStream.Model.Specs;

namespace RnnStream.Model.Training;

/// <summary>
/// What a <see cref="TbpttTrainer"/> computes in: one unrolled network and one gradient per part of a
/// batch. Its activations are megabytes at a replay's window lengths, so a retrain that made them
/// anew each time left the collector a large object heap to sweep after every retrain (issue #11).
/// One trainer at a time may use it; each use overwrites everything it reads (the state a window
/// starts from, the activations, the gradients), so a reused workspace gives the same bits as a new one.
/// </summary>
public sealed class TrainingWorkspace
{
    public TrainingWorkspace(ModelSpec spec, int shards)
    {
        if (shards < 1) throw new ArgumentOutOfRangeException(nameof(shards), shards, "must be at least 1");
        Spec = spec;
        Parts = Enumerable.Range(0, shards).Select(_ => new SequenceNetwork<float>(spec)).ToArray();
        PartGradients = Parts.Select(part => new float[part.Parameters.Length]).ToArray();
    }

    public ModelSpec Spec { get; }
    public int Shards => Parts.Length;

    /// <summary>Whether a trainer of this model in this many parts can compute here.</summary>
    public bool Fits(ModelSpec spec, int shards) => Spec == spec && Shards == shards;

    internal SequenceNetwork<float>[] Parts { get; }
    internal float[][] PartGradients { get; }
}
