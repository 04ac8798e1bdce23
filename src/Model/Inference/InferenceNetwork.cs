using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using RnnStream.Model.Kernels;
using RnnStream.Model.Specs;
using RnnStream.Model.Weights;

namespace RnnStream.Model.Inference;

/// <summary>
/// The per-tick step of one weights version: reads one input vector, updates a series' state in
/// place and writes the head's outputs. Stateless itself and immutable, so every key group of a
/// node shares one instance; it allocates nothing per step (scratch lives on the stack).
/// </summary>
[SkipLocalsInit]
public sealed class InferenceNetwork
{
    private const int MaxStackFloats = 8192;
    private readonly LayerOffsets[] _layers;
    private readonly float[] _denseKernelT;
    private readonly int _denseBias;
    private readonly int _scratchLength;

    [ThreadStatic] private static float[]? _heapScratch;

    public InferenceNetwork(ModelWeights weights)
    {
        Weights = weights;
        Spec = weights.Spec;
        StateLayout = new StateLayout(Spec);
        var layout = weights.Layout;
        _layers = new LayerOffsets[Spec.Layers.Count];
        for (int i = 0; i < _layers.Length; i++)
        {
            var layer = Spec.Layers[i];
            _layers[i] = new LayerOffsets(layer.Cell, layer.Activation, layer.Units, Spec.LayerInputs(i),
                layout.Kernel(i).Offset, layout.RecurrentKernel(i).Offset, layout.Bias(i).Offset);
            _scratchLength = Math.Max(_scratchLength, 2 * layer.GateWidth);
        }
        _denseKernelT = new float[Spec.TopUnits * Spec.HeadWidth];
        RowKernels.Transpose(weights.Get(WeightLayout.DenseKernel), Spec.TopUnits, Spec.HeadWidth, _denseKernelT);
        _denseBias = layout[WeightLayout.DenseBias].Offset;
    }

    public ModelWeights Weights { get; }
    public ModelSpec Spec { get; }
    public StateLayout StateLayout { get; }
    public long Version => Weights.Version;

    /// <summary>Outputs written by <see cref="Step"/>: K means, then K variances for a Gaussian head.</summary>
    public int OutputLength => Spec.HeadWidth;

    public RecurrentState CreateState() => new(StateLayout);

    /// <summary>One tick: state ← cell(state, input) layer by layer; output ← dense(top hidden state).</summary>
    public void Step(RecurrentState state, ReadOnlySpan<float> input, Span<float> output)
    {
        if (input.Length != Spec.InputFeatures)
            throw new ArgumentException($"expected {Spec.InputFeatures} input features, got {input.Length}", nameof(input));
        if (output.Length < OutputLength)
            throw new ArgumentException($"output needs room for {OutputLength} values, has {output.Length}", nameof(output));
        if (state.Layout.Length != StateLayout.Length)
            throw new ArgumentException("state belongs to a different spec", nameof(state));

        Span<float> scratch = _scratchLength <= MaxStackFloats
            ? stackalloc float[_scratchLength]
            : (_heapScratch is { } h && h.Length >= _scratchLength ? h : _heapScratch = new float[_scratchLength]).AsSpan(0, _scratchLength);

        ReadOnlySpan<float> w = Weights.Values;
        ReadOnlySpan<float> layerInput = input;
        for (int i = 0; i < _layers.Length; i++)
        {
            ref readonly var l = ref _layers[i];
            var hidden = state.Hidden(i);
            switch (l.Cell)
            {
                case CellType.SimpleRnn: SimpleRnnStep(l, w, layerInput, hidden, scratch); break;
                case CellType.Lstm: LstmStep(l, w, layerInput, hidden, state.Cell(i), scratch); break;
                default: GruStep(l, w, layerInput, hidden, scratch); break;
            }
            layerInput = hidden;
        }
        DenseHead.Apply(layerInput, _denseKernelT, w.Slice(_denseBias, OutputLength), output[..OutputLength]);
        if (Spec.Head == OutputHead.Gaussian) GaussianHead.ToVariance(output.Slice(Spec.OutputUnits, Spec.OutputUnits));
    }

    private static void SimpleRnnStep(in LayerOffsets l, ReadOnlySpan<float> w, ReadOnlySpan<float> x, Span<float> h, Span<float> scratch)
    {
        int units = l.Units;
        var z = scratch[..units];
        RowKernels.Affine(x, w.Slice(l.Kernel, l.Inputs * units), h, w.Slice(l.Recurrent, units * units), w.Slice(l.Bias, units), z);
        if (l.Activation == Activation.Relu) TensorPrimitives.Max(z, 0f, h);
        else TensorPrimitives.Tanh(z, h);
    }

    private static void LstmStep(in LayerOffsets l, ReadOnlySpan<float> w, ReadOnlySpan<float> x, Span<float> h, Span<float> c, Span<float> scratch)
    {
        int units = l.Units, gates = 4 * units;
        var z = scratch[..gates];
        RowKernels.Affine(x, w.Slice(l.Kernel, l.Inputs * gates), h, w.Slice(l.Recurrent, units * gates), w.Slice(l.Bias, gates), z);
        var inputGate = z[..units];
        var forgetGate = z.Slice(units, units);
        var candidate = z.Slice(2 * units, units);
        var outputGate = z.Slice(3 * units, units);
        if (GateMath.Fits(units))
        {
            GateMath.Lstm(z, c, c, scratch.Slice(gates, units), h);
            return;
        }
        TensorPrimitives.Sigmoid(z[..(2 * units)], z[..(2 * units)]);
        TensorPrimitives.Tanh(candidate, candidate);
        TensorPrimitives.Sigmoid(outputGate, outputGate);
        TensorPrimitives.Multiply(forgetGate, c, c);
        TensorPrimitives.FusedMultiplyAdd(inputGate, candidate, c, c);
        var cellTanh = scratch.Slice(gates, units);
        TensorPrimitives.Tanh(c, cellTanh);
        TensorPrimitives.Multiply(outputGate, cellTanh, h);
    }

    private static void GruStep(in LayerOffsets l, ReadOnlySpan<float> w, ReadOnlySpan<float> x, Span<float> h, Span<float> scratch)
    {
        int units = l.Units, gates = 3 * units;
        var fromInput = scratch[..gates];
        var fromHidden = scratch.Slice(gates, gates);
        RowKernels.Affine(x, w.Slice(l.Kernel, l.Inputs * gates), [], [], w.Slice(l.Bias, gates), fromInput);
        RowKernels.Affine(h, w.Slice(l.Recurrent, units * gates), [], [], w.Slice(l.Bias + gates, gates), fromHidden);
        if (GateMath.Fits(units))
        {
            GateMath.Gru(fromInput, fromHidden, h, h, []);
            return;
        }
        var updateAndReset = fromInput[..(2 * units)];
        TensorPrimitives.Add(updateAndReset, fromHidden[..(2 * units)], updateAndReset);
        TensorPrimitives.Sigmoid(updateAndReset, updateAndReset);
        var update = fromInput[..units];
        var reset = fromInput.Slice(units, units);
        var candidate = fromInput.Slice(2 * units, units);
        TensorPrimitives.FusedMultiplyAdd(reset, fromHidden.Slice(2 * units, units), candidate, candidate);
        TensorPrimitives.Tanh(candidate, candidate);
        // h = z·h + (1 − z)·candidate = candidate + z·(h − candidate)
        TensorPrimitives.Subtract(h, candidate, h);
        TensorPrimitives.FusedMultiplyAdd(update, h, candidate, h);
    }

    private readonly record struct LayerOffsets(CellType Cell, Activation Activation, int Units, int Inputs, int Kernel, int Recurrent, int Bias);
}
