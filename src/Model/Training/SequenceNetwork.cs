using System.Numerics;
using System.Runtime.CompilerServices;
using RnnStream.Model.Kernels;
using RnnStream.Model.Training.Cells;
using RnnStream.Model.Specs;
using RnnStream.Model.Weights;

namespace RnnStream.Model.Training;

/// <summary>
/// The stacked network unrolled over a segment of a batch of windows: forward with every activation
/// kept (each layer's cell step in <see cref="CellTrainer{T}"/>), the loss and its gradient at the
/// head (<see cref="HeadLoss"/>), and backpropagation through time into one flat gradient vector. All series of the batch advance together, so each step is a batch of row
/// kernels over weights that stay in cache. Generic so the gradient check can run it in double;
/// the trainer runs it in float.
/// </summary>
/// <remarks>
/// Workspace is time-major: row (t, n) of a buffer of width w starts at (t·N + n)·w. Hidden and cell
/// buffers have S + 1 rows of time, row 0 being the state carried in from the previous segment.
/// </remarks>
internal sealed class SequenceNetwork<T> where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    private readonly UnrolledLayer<T>[] _layers;
    private readonly CellTrainer<T>[] _cells;
    private readonly int _denseKernel;
    private readonly int _denseBias;
    private readonly int _headWidth;
    private readonly int _topUnits;
    private int _batch;

    /// <summary>
    /// Windows the per-window buffers hold. They only grow, and then to at least twice their size: a replay's holdout
    /// grows by a few windows a retrain as its buffer fills, and the buffers are megabytes.
    /// </summary>
    private int _batchCapacity;
    private int _segmentCapacity;
    private int _segment;
    private T[] _inputs = [];
    private T[] _outputs = [];
    private T[] _outputGradients = [];
    private T[] _targets = [];
    private T[] _denseKernelT = [];
    private T[] _gradAbove = [];
    private T[] _gradBelow = [];
    private T[] _dInput = [];
    private T[] _dHidden = [];
    private T[] _directGrad = [];
    private T[] _hiddenGateScratch = [];

    public SequenceNetwork(ModelSpec spec)
    {
        Spec = spec;
        Layout = new WeightLayout(spec);
        Parameters = new T[Layout.TotalLength];
        _layers = new UnrolledLayer<T>[spec.Layers.Count];
        _cells = new CellTrainer<T>[spec.Layers.Count];
        for (int i = 0; i < _layers.Length; i++)
        {
            var layer = spec.Layers[i];
            _layers[i] = new UnrolledLayer<T>(layer, spec.LayerInputs(i), Layout.Kernel(i).Offset, Layout.RecurrentKernel(i).Offset, Layout.Bias(i).Offset);
            _cells[i] = CellTrainer<T>.For(layer.Cell);
        }
        _denseKernel = Layout[WeightLayout.DenseKernel].Offset;
        _denseBias = Layout[WeightLayout.DenseBias].Offset;
        _headWidth = spec.HeadWidth;
        _topUnits = spec.TopUnits;
    }

    public ModelSpec Spec { get; }
    public WeightLayout Layout { get; }

    /// <summary>The parameters being trained, in <see cref="Layout"/> order.</summary>
    public T[] Parameters { get; }

    public void LoadParameters(ReadOnlySpan<float> values)
    {
        for (int i = 0; i < Parameters.Length; i++) Parameters[i] = T.CreateChecked(values[i]);
    }

    /// <summary>Starts a batch of windows: zero state for every series, as a new window starts.</summary>
    // The training path is compiled optimized at its first call, not tiered up from unoptimized code: a replay's first
    // retrains would otherwise run their loops unoptimized while the other core compiles (RESULTS, issue #11).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void BeginWindows(int batch)
    {
        _batch = batch;
        if (batch > _batchCapacity)
        {
            int capacity = _batchCapacity = Math.Max(batch, 2 * _batchCapacity);
            _segmentCapacity = 0;
            foreach (var layer in _layers)
            {
                layer.CarriedHidden = new T[capacity * layer.Units];
                layer.CarriedCell = layer.Cell == CellType.Lstm ? new T[capacity * layer.Units] : [];
                layer.RecurrentGrad = new T[capacity * layer.Units];
                layer.CellGrad = layer.Cell == CellType.Lstm ? new T[capacity * layer.Units] : [];
            }
            int widestUnits = _layers.Max(l => l.Units);
            int widestGates = _layers.Max(l => l.GateWidth);
            _gradAbove = new T[capacity * widestUnits];
            _gradBelow = new T[capacity * widestUnits];
            _dInput = new T[capacity * widestGates];
            _dHidden = new T[capacity * widestGates];
            _directGrad = new T[capacity * widestUnits];
            _hiddenGateScratch = new T[capacity * widestGates];
        }
        foreach (var layer in _layers)
        {
            layer.CarriedHidden.AsSpan(0, batch * layer.Units).Clear();
            if (layer.Cell == CellType.Lstm) layer.CarriedCell.AsSpan(0, batch * layer.Units).Clear();
        }
    }

    /// <summary>
    /// Runs steps [start, start + length) of every window from the carried state, and leaves the
    /// final state carried for the next segment. Returns the summed loss and how many outputs were
    /// scored (steps before <paramref name="warmup"/> and NaN targets are not), and prepares the head
    /// gradient of the mean loss over this segment for <see cref="Backward"/>.
    /// </summary>
    /// <param name="first">The first of this network's windows in the batch, when it runs one part of it (<see cref="BeginWindows"/> said how many).</param>
    /// <param name="scoredOverall">Outputs scored in this segment across the whole batch, when this is one part of it: the head gradient is then of the whole batch's mean.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public (double LossSum, int Scored) ForwardSegment(TrainingBatch batch, int start, int length, int warmup, int first = 0, int? scoredOverall = null)
    {
        if (first < 0 || first + _batch > batch.Series || (first == 0 && scoredOverall is null && batch.Series != _batch))
            throw new InvalidOperationException("call BeginWindows with the batch size (or the part's) first");
        EnsureSegment(length);
        _segment = length;
        int n = _batch, d = Spec.InputFeatures, k = Spec.OutputUnits;
        // Indexes into the arrays, not a span per window and step: this runs for every series-step of every batch.
        float[] inputs = batch.Inputs, targets = batch.Targets;
        for (int t = 0; t < length; t++)
        {
            bool scored = start + t >= warmup;
            for (int s = 0; s < n; s++)
            {
                int step = (first + s) * batch.Steps + start + t, row = t * n + s;
                for (int j = 0; j < d; j++) _inputs[row * d + j] = T.CreateChecked(inputs[step * d + j]);
                for (int j = 0; j < k; j++) _targets[row * k + j] = scored ? T.CreateChecked(targets[step * k + j]) : T.NaN;
            }
        }

        foreach (var layer in _layers)
        {
            layer.CarriedHidden.AsSpan(0, n * layer.Units).CopyTo(layer.Hidden);
            if (layer.Cell == CellType.Lstm) layer.CarriedCell.AsSpan(0, n * layer.Units).CopyTo(layer.CellState);
        }

        ReadOnlySpan<T> p = Parameters;
        RowKernels.Transpose(p.Slice(_denseKernel, _topUnits * _headWidth), _topUnits, _headWidth, _denseKernelT);
        for (int t = 0; t < length; t++)
        {
            for (int l = 0; l < _layers.Length; l++)
            {
                _cells[l].Forward(_layers[l], p, LayerInputBlock(l, t), t, n, _hiddenGateScratch);
            }
            var top = _layers[^1];
            for (int s = 0; s < n; s++)
            {
                DenseHead.Apply(top.Hidden.AsSpan(((t + 1) * n + s) * _topUnits, _topUnits), _denseKernelT,
                    p.Slice(_denseBias, _headWidth), _outputs.AsSpan((t * n + s) * _headWidth, _headWidth));
            }
        }

        foreach (var layer in _layers)
        {
            layer.Hidden.AsSpan(length * n * layer.Units, n * layer.Units).CopyTo(layer.CarriedHidden);
            if (layer.Cell == CellType.Lstm) layer.CellState.AsSpan(length * n * layer.Units, n * layer.Units).CopyTo(layer.CarriedCell);
        }
        return HeadLoss.Compute<T>(Spec, length * n, _targets, _outputs, _outputGradients, scoredOverall);
    }

    /// <summary>Backpropagates the segment's mean loss through time; adds into <paramref name="gradients"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Backward(Span<T> gradients)
    {
        int n = _batch, length = _segment;
        ReadOnlySpan<T> p = Parameters;
        foreach (var layer in _layers)
        {
            layer.RecurrentGrad.AsSpan(0, n * layer.Units).Clear();
            if (layer.Cell == CellType.Lstm) layer.CellGrad.AsSpan(0, n * layer.Units).Clear();
            RowKernels.Transpose(p.Slice(layer.KernelOffset, layer.Inputs * layer.GateWidth), layer.Inputs, layer.GateWidth, layer.KernelT);
            RowKernels.Transpose(p.Slice(layer.RecurrentOffset, layer.Units * layer.GateWidth), layer.Units, layer.GateWidth, layer.RecurrentT);
        }
        var denseKernelGrad = gradients.Slice(_denseKernel, _topUnits * _headWidth);
        var denseBiasGrad = gradients.Slice(_denseBias, _headWidth);

        for (int t = length - 1; t >= 0; t--)
        {
            var dy = _outputGradients.AsSpan(t * n * _headWidth, n * _headWidth);
            var topHidden = _layers[^1].Hidden.AsSpan((t + 1) * n * _topUnits, n * _topUnits);
            var above = _gradAbove.AsSpan(0, n * _topUnits);
            above.Clear();
            BatchKernels.AccumulateProduct<T>(n, dy, _denseKernelT, _headWidth, [], [], 0, above, _topUnits);
            BatchKernels.AccumulateTransposedProduct<T>(n, topHidden, _topUnits, dy, _headWidth, denseKernelGrad);
            BatchKernels.AccumulateColumnSums<T>(n, dy, denseBiasGrad);
            for (int l = _layers.Length - 1; l >= 0; l--)
            {
                var layer = _layers[l];
                _cells[l].Backward(layer, t, n, _gradAbove, _dInput, _dHidden, _directGrad);
                AccumulateLayerGradients(layer, gradients, l, t);
                (_gradAbove, _gradBelow) = (_gradBelow, _gradAbove);
            }
        }
    }

    /// <summary>Head output of series <paramref name="s"/> at step <paramref name="t"/> of the last segment run.</summary>
    public ReadOnlySpan<T> Output(int t, int s) => _outputs.AsSpan((t * _batch + s) * _headWidth, _headWidth);

    /// <summary>½·λ·Σ kernel weights².</summary>
    public double L2Penalty(double lambda) => KernelL2.Penalty<T>(Layout, Parameters, lambda);

    public void AddL2Gradient(double lambda, Span<T> gradients) => KernelL2.AddGradient<T>(Layout, Parameters, lambda, gradients);

    /// <summary>Mean loss over the whole window and its exact gradient (no truncation): what the gradient check compares.</summary>
    public double LossAndGradient(TrainingBatch batch, int warmup, double l2, Span<T> gradients)
    {
        BeginWindows(batch.Series);
        var (sum, scored) = ForwardSegment(batch, 0, batch.Steps, warmup);
        gradients.Clear();
        if (scored > 0) Backward(gradients);
        AddL2Gradient(l2, gradients);
        return (scored > 0 ? sum / scored : 0) + L2Penalty(l2);
    }

    public double Loss(TrainingBatch batch, int warmup, double l2)
    {
        BeginWindows(batch.Series);
        var (sum, scored) = ForwardSegment(batch, 0, batch.Steps, warmup);
        return (scored > 0 ? sum / scored : 0) + L2Penalty(l2);
    }

    /// <summary>The N × inputs block a layer reads at step t: the batch's inputs, or the hidden states of the layer below.</summary>
    private ReadOnlySpan<T> LayerInputBlock(int layer, int t)
    {
        if (layer == 0) return _inputs.AsSpan(t * _batch * Spec.InputFeatures, _batch * Spec.InputFeatures);
        var below = _layers[layer - 1];
        return below.Hidden.AsSpan((t + 1) * _batch * below.Units, _batch * below.Units);
    }

    /// <summary>
    /// The part every cell shares, batched over the series at step t: kernel, recurrent-kernel and
    /// bias gradients from the pre-activation gradients, the gradient into h(t−1) (replacing the
    /// layer's recurrent gradient), and into the layer below.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void AccumulateLayerGradients(UnrolledLayer<T> layer, Span<T> grads, int l, int t)
    {
        int width = layer.GateWidth, units = layer.Units, n = _batch;
        bool separateHidden = _cells[l].SeparateHiddenSide;
        var dFromInput = _dInput.AsSpan(0, n * width);
        var dFromHidden = separateHidden ? _dHidden.AsSpan(0, n * width) : dFromInput;
        var x = LayerInputBlock(l, t);
        var hPrev = layer.Hidden.AsSpan(t * n * units, n * units);

        BatchKernels.AccumulateTransposedProduct(n, x, layer.Inputs, dFromInput, width, grads.Slice(layer.KernelOffset, layer.Inputs * width));
        BatchKernels.AccumulateTransposedProduct(n, hPrev, units, dFromHidden, width, grads.Slice(layer.RecurrentOffset, units * width));
        BatchKernels.AccumulateColumnSums(n, dFromInput, grads.Slice(layer.BiasOffset, width));
        if (separateHidden) BatchKernels.AccumulateColumnSums(n, dFromHidden, grads.Slice(layer.BiasOffset + width, width));

        // At the segment's first step this would be the gradient into the state carried in, which truncation drops.
        if (t > 0)
        {
            var recurrent = layer.RecurrentGrad.AsSpan(0, n * units);
            if (separateHidden) _directGrad.AsSpan(0, n * units).CopyTo(recurrent);
            else recurrent.Clear();
            BatchKernels.AccumulateProduct<T>(n, dFromHidden, layer.RecurrentT, width, [], [], 0, recurrent, units);
        }
        if (l > 0)
        {
            var below = _gradBelow.AsSpan(0, n * layer.Inputs);
            below.Clear();
            BatchKernels.AccumulateProduct<T>(n, dFromInput, layer.KernelT, width, [], [], 0, below, layer.Inputs);
        }
    }

    private void EnsureSegment(int length)
    {
        if (length <= _segmentCapacity) return;
        _segmentCapacity = length;
        int n = _batchCapacity;
        _inputs = new T[length * n * Spec.InputFeatures];
        _targets = new T[length * n * Spec.OutputUnits];
        _outputs = new T[length * n * _headWidth];
        _outputGradients = new T[length * n * _headWidth];
        _denseKernelT = new T[_topUnits * _headWidth];
        foreach (var layer in _layers)
        {
            layer.Hidden = new T[(length + 1) * n * layer.Units];
            layer.CellState = layer.Cell == CellType.Lstm ? new T[(length + 1) * n * layer.Units] : [];
            layer.Gates = layer.Cell == CellType.SimpleRnn ? [] : new T[length * n * layer.GateWidth];
            layer.Aux = layer.Cell == CellType.SimpleRnn ? [] : new T[length * n * layer.Units];
            layer.KernelT = new T[layer.Inputs * layer.GateWidth];
            layer.RecurrentT = new T[layer.Units * layer.GateWidth];
        }
    }
}
