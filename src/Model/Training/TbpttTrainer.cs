using System.Numerics.Tensors;
using RnnStream.Model.Specs;
using RnnStream.Model.Weights;

namespace RnnStream.Model.Training;

/// <summary>
/// Trains a copy of the shared weights with truncated backpropagation through time: each batch of
/// windows is run in segments of <see cref="TrainingOptions.TruncationLength"/> steps; the hidden
/// state flows on from segment to segment, the gradient does not, and every segment is one
/// optimizer update (clipped to a global norm). A batch is all-or-nothing: if any loss, gradient or
/// updated weight turns non-finite, the weights and optimizer go back to where the batch started
/// and the report says why. Single-threaded and deterministic: same seed, same data, same bits.
/// </summary>
public sealed class TbpttTrainer
{
    private readonly SequenceNetwork<float> _network;
    private readonly IOptimizer _optimizer;
    private readonly float[] _gradients;
    private readonly float[] _checkpoint;

    public TbpttTrainer(ModelWeights initial, TrainingOptions options)
    {
        options.Validate();
        Options = options;
        Spec = initial.Spec;
        _network = new SequenceNetwork<float>(Spec);
        initial.Values.CopyTo(_network.Parameters);
        Version = initial.Version;
        _gradients = new float[initial.ParameterCount];
        _checkpoint = new float[initial.ParameterCount];
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
        _network.BeginWindows(batch.Series);

        double lossTotal = 0, maxNorm = 0;
        int updates = 0, clipped = 0;
        string? rejection = null;
        for (int start = 0; start < batch.Steps && rejection is null; start += truncation)
        {
            int length = Math.Min(truncation, batch.Steps - start);
            var (sum, scored) = _network.ForwardSegment(batch, start, length, Options.WarmupSteps);
            if (scored == 0) continue;
            double loss = sum / scored + _network.L2Penalty(Options.L2);
            if (!double.IsFinite(loss)) { rejection = $"non-finite loss ({loss}) at step {start}"; break; }

            Array.Clear(_gradients);
            _network.Backward(_gradients);
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
            lossTotal += loss;
            updates++;
        }

        if (rejection is not null)
        {
            _checkpoint.CopyTo(_network.Parameters, 0);
            _optimizer.Rollback();
            RejectedBatches++;
            return new TrainingReport(double.NaN, maxNorm, 0, 0, rejection);
        }
        return new TrainingReport(updates > 0 ? lossTotal / updates : 0, maxNorm, updates, clipped, null);
    }

    /// <summary>Mean loss of the current weights over whole windows (no update): for validation and champion/challenger checks.</summary>
    public double Evaluate(TrainingBatch batch)
    {
        CheckShape(batch);
        return _network.Loss(batch, Options.WarmupSteps, 0);
    }

    private void CheckShape(TrainingBatch batch)
    {
        if (batch.InputFeatures != Spec.InputFeatures)
            throw new ArgumentException($"batch has {batch.InputFeatures} input features, the model {Spec.InputFeatures}", nameof(batch));
        if (batch.Outputs != Spec.OutputUnits)
            throw new ArgumentException($"batch has {batch.Outputs} targets per step, the model {Spec.OutputUnits} outputs", nameof(batch));
    }

    /// <summary>Euclidean norm of all gradients, summed in double so that large but finite gradients do not overflow.</summary>
    private static double GlobalNorm(ReadOnlySpan<float> gradients)
    {
        double sum = 0;
        foreach (float g in gradients) sum += (double)g * g;
        return Math.Sqrt(sum);
    }

    private static bool AllFinite(ReadOnlySpan<float> values)
    {
        foreach (float v in values)
            if (!float.IsFinite(v)) return false;
        return true;
    }
}
