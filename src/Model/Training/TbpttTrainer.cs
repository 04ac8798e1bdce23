using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using RnnStream.Model.Specs;
using RnnStream.Model.Weights;

namespace RnnStream.Model.Training;

/// <summary>
/// Trains a copy of the shared weights with truncated backpropagation through time: each batch of
/// windows is run in segments of <see cref="TrainingOptions.TruncationLength"/> steps; the hidden
/// state flows on from segment to segment, the gradient does not, and every segment is one
/// optimizer update (clipped to a global norm). A batch is all-or-nothing: if any loss, gradient or
/// updated weight turns non-finite, the weights and optimizer go back to where the batch started
/// and the report says why. Deterministic: same seed, same data, same bits. With
/// <see cref="TrainingOptions.Shards"/> above 1 each batch is split into that many parts whose
/// gradients are computed at once on up to <see cref="TrainingOptions.Threads"/> threads and then
/// summed in part order, so the bits do not depend on the number of threads.
/// </summary>
public sealed class TbpttTrainer
{
    /// <summary>The network whose parameters are trained; the parts' networks run on copies of them.</summary>
    private readonly SequenceNetwork<float> _network;

    /// <summary>One network per part of a batch (the first is <see cref="_network"/>), each with its own activations.</summary>
    private readonly SequenceNetwork<float>[] _parts;

    /// <summary>Each part's gradient; the first is the one summed into and applied.</summary>
    private readonly float[][] _partGradients;

    private readonly ParallelOptions _parallel;
    private readonly IOptimizer _optimizer;
    private readonly float[] _gradients;
    private readonly float[] _checkpoint;

    public TbpttTrainer(ModelWeights initial, TrainingOptions options)
        : this(initial, options, new TrainingWorkspace(initial.Spec, Validated(options).Shards))
    {
    }

    /// <param name="workspace">Where to compute, reused from an earlier trainer of the same model and parts (which must be done with it).</param>
    public TbpttTrainer(ModelWeights initial, TrainingOptions options, TrainingWorkspace workspace)
    {
        options.Validate();
        if (!workspace.Fits(initial.Spec, options.Shards))
            throw new ArgumentException($"the workspace is for another model or {workspace.Shards} parts, not {options.Shards}", nameof(workspace));
        Options = options;
        Spec = initial.Spec;
        _parts = workspace.Parts;
        _partGradients = workspace.PartGradients;
        _network = _parts[0];
        _gradients = _partGradients[0];
        foreach (var part in _parts) initial.Values.CopyTo(part.Parameters);
        Version = initial.Version;
        _checkpoint = new float[initial.ParameterCount];
        _parallel = new ParallelOptions { MaxDegreeOfParallelism = options.Threads };
        _optimizer = options.Optimizer == OptimizerKind.Adam
            ? new AdamOptimizer(_gradients.Length, options.LearningRate, options.Beta1, options.Beta2, options.Epsilon)
            : new SgdOptimizer(_gradients.Length, options.LearningRate, options.Momentum);
    }

    public TbpttTrainer(ModelSpec spec, TrainingOptions options, int seed)
        : this(WeightInitializer.Initialize(spec, seed), options)
    {
    }

    public ModelSpec Spec { get; }
    public TrainingOptions Options { get; }

    /// <summary>Version of the weights this trainer started from.</summary>
    public long Version { get; }

    /// <summary>Batches whose update was rejected as non-finite.</summary>
    public int RejectedBatches { get; private set; }

    /// <summary>The current parameters as a new immutable version.</summary>
    public ModelWeights Snapshot(long version) => ModelWeights.FromValues(_network.Layout, _network.Parameters, version);

    /// <summary>One pass over a batch of windows: one update per truncation segment.</summary>
    public TrainingReport Train(TrainingBatch batch)
    {
        CheckShape(batch);
        int truncation = Options.TruncationLength > 0 ? Options.TruncationLength : batch.Steps;
        _network.Parameters.CopyTo(_checkpoint, 0);
        _optimizer.Checkpoint();
        var parts = Parts(batch.Series);
        for (int i = 0; i < parts.Length; i++) _parts[i].BeginWindows(parts[i].Count);

        double lossTotal = 0, maxNorm = 0;
        int updates = 0, clipped = 0;
        string? rejection = null;
        for (int start = 0; start < batch.Steps && rejection is null; start += truncation)
        {
            int length = Math.Min(truncation, batch.Steps - start);
            var (sum, scored) = parts.Length == 1
                ? _network.ForwardSegment(batch, start, length, Options.WarmupSteps)
                : RunParts(batch, parts, start, length, backward: true);
            if (scored == 0) continue;
            double loss = sum / scored + _network.L2Penalty(Options.L2);
            if (!double.IsFinite(loss)) { rejection = $"non-finite loss ({loss}) at step {start}"; break; }

            if (parts.Length == 1)
            {
                Array.Clear(_gradients);
                _network.Backward(_gradients);
            }
            _network.AddL2Gradient(Options.L2, _gradients);
            double norm = GlobalNorm(_gradients);
            if (!double.IsFinite(norm)) { rejection = $"non-finite gradient norm ({norm}) at step {start}"; break; }
            maxNorm = Math.Max(maxNorm, norm);
            if (Options.ClipNorm > 0 && norm > Options.ClipNorm)
            {
                TensorPrimitives.Multiply(_gradients, (float)(Options.ClipNorm / norm), _gradients);
                clipped++;
            }
            _optimizer.Apply(_network.Parameters, _gradients);
            if (!AllFinite(_network.Parameters)) { rejection = $"non-finite weights after the update at step {start}"; break; }
            for (int i = 1; i < parts.Length; i++) _network.Parameters.CopyTo(_parts[i].Parameters, 0);
            lossTotal += loss;
            updates++;
        }

        if (rejection is not null)
        {
            _checkpoint.CopyTo(_network.Parameters, 0);
            for (int i = 1; i < parts.Length; i++) _checkpoint.CopyTo(_parts[i].Parameters, 0);
            _optimizer.Rollback();
            RejectedBatches++;
            return new TrainingReport(double.NaN, maxNorm, 0, 0, rejection);
        }
        return new TrainingReport(updates > 0 ? lossTotal / updates : 0, maxNorm, updates, clipped, null);
    }

    /// <summary>The options' own error for a bad value, before a workspace is sized by them.</summary>
    private static TrainingOptions Validated(TrainingOptions options)
    {
        options.Validate();
        return options;
    }

    /// <summary>The batch's windows split into consecutive parts as even as can be (the first ones a window longer), at most one per window.</summary>
    private (int First, int Count)[] Parts(int windows)
    {
        int count = Math.Min(_parts.Length, windows);
        var parts = new (int First, int Count)[count];
        for (int i = 0, first = 0; i < count; i++)
        {
            int size = windows / count + (i < windows % count ? 1 : 0);
            parts[i] = (first, size);
            first += size;
        }
        return parts;
    }

    /// <summary>
    /// Every part's forward pass at once, each with the head gradient of the whole batch's mean, and with
    /// <paramref name="backward"/> its backward pass into its own gradient in the same parallel region; then the
    /// losses (and gradients, into the first) summed in part order. One region a segment, not two: each region
    /// hands a part to a pool thread, and on a busy two-core machine the calling thread often ran the other part
    /// itself before the pool thread came to it (perf of a replay, issue #11). A non-finite loss is found after
    /// the backward passes, whose gradients are then thrown away.
    /// </summary>
    private (double Sum, int Scored) RunParts(TrainingBatch batch, (int First, int Count)[] parts, int start, int length, bool backward)
    {
        int overall = ScoredTargets(batch, start, length, Options.WarmupSteps);
        var results = new (double Sum, int Scored)[parts.Length];
        Parallel.For(0, parts.Length, _parallel, i =>
        {
            results[i] = _parts[i].ForwardSegment(batch, start, length, Options.WarmupSteps, parts[i].First, overall);
            if (!backward) return;
            Array.Clear(_partGradients[i]);
            if (overall > 0) _parts[i].Backward(_partGradients[i]);
        });
        if (backward)
            for (int i = 1; i < parts.Length; i++) TensorPrimitives.Add(_gradients, _partGradients[i], _gradients);
        double sum = 0;
        foreach (var result in results) sum += result.Sum;
        return (sum, overall);
    }

    /// <summary>Targets that count in steps [start, start + length) of every window: past the warm-up and known.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int ScoredTargets(TrainingBatch batch, int start, int length, int warmup)
    {
        int scored = 0;
        for (int s = 0; s < batch.Series; s++)
            for (int t = Math.Max(start, warmup); t < start + length; t++)
                foreach (float target in batch.Target(s, t))
                    if (!float.IsNaN(target)) scored++;
        return scored;
    }

    /// <summary>Mean loss of the current weights over whole windows (no update): for validation and champion/challenger checks.</summary>
    public double Evaluate(TrainingBatch batch)
    {
        CheckShape(batch);
        var parts = Parts(batch.Series);
        if (parts.Length == 1) return _network.Loss(batch, Options.WarmupSteps, 0);
        for (int i = 0; i < parts.Length; i++) _parts[i].BeginWindows(parts[i].Count);
        var (sum, scored) = RunParts(batch, parts, 0, batch.Steps, backward: false);
        return scored > 0 ? sum / scored : 0;
    }

    private void CheckShape(TrainingBatch batch)
    {
        if (batch.InputFeatures != Spec.InputFeatures)
            throw new ArgumentException($"batch has {batch.InputFeatures} input features, the model {Spec.InputFeatures}", nameof(batch));
        if (batch.Outputs != Spec.OutputUnits)
            throw new ArgumentException($"batch has {batch.Outputs} targets per step, the model {Spec.OutputUnits} outputs", nameof(batch));
    }

    /// <summary>Euclidean norm of all gradients, summed in double so that large but finite gradients do not overflow.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double GlobalNorm(ReadOnlySpan<float> gradients)
    {
        double sum = 0;
        foreach (float g in gradients) sum += (double)g * g;
        return Math.Sqrt(sum);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool AllFinite(ReadOnlySpan<float> values)
    {
        foreach (float v in values)
            if (!float.IsFinite(v)) return false;
        return true;
    }
}
