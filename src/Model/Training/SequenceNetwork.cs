using System.Numerics;
using System.Runtime.Intrinsics;
using System.Numerics.Tensors;
using RnnStream.Model.Kernels;
using RnnStream.Model.Specs;
using RnnStream.Model.Weights;

namespace RnnStream.Model.Training;

/// <summary>
/// The stacked network unrolled over a segment of a batch of windows: forward with every activation
/// kept, the loss and its gradient at the head, and backpropagation through time into one flat
/// gradient vector. All series of the batch advance together, so each step is a batch of row
/// kernels over weights that stay in cache. Generic so the gradient check can run it in double;
/// the trainer runs it in float.
/// </summary>
/// <remarks>
/// Workspace is time-major: row (t, n) of a buffer of width w starts at (t·N + n)·w. Hidden and cell
/// buffers have S + 1 rows of time, row 0 being the state carried in from the previous segment.
/// </remarks>
internal sealed class SequenceNetwork<T> where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    private readonly LayerWork[] _layers;
    private readonly int _denseKernel;
    private readonly int _denseBias;
    private readonly int _headWidth;
    private readonly int _topUnits;
    private int _batch;
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
        _layers = new LayerWork[spec.Layers.Count];
        for (int i = 0; i < _layers.Length; i++)
        {
            var layer = spec.Layers[i];
            _layers[i] = new LayerWork(layer, spec.LayerInputs(i), Layout.Kernel(i).Offset, Layout.RecurrentKernel(i).Offset, Layout.Bias(i).Offset);
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
    public void BeginWindows(int batch)
    {
        if (batch != _batch)
        {
            _batch = batch;
            _segmentCapacity = 0;
            foreach (var layer in _layers)
            {
                layer.CarriedHidden = new T[batch * layer.Units];
                layer.CarriedCell = layer.Cell == CellType.Lstm ? new T[batch * layer.Units] : [];
                layer.RecurrentGrad = new T[batch * layer.Units];
                layer.CellGrad = layer.Cell == CellType.Lstm ? new T[batch * layer.Units] : [];
            }
            int widestUnits = _layers.Max(l => l.Units);
            int widestGates = _layers.Max(l => l.GateWidth);
            _gradAbove = new T[batch * widestUnits];
            _gradBelow = new T[batch * widestUnits];
            _dInput = new T[batch * widestGates];
            _dHidden = new T[batch * widestGates];
            _directGrad = new T[batch * widestUnits];
            _hiddenGateScratch = new T[batch * widestGates];
        }
        foreach (var layer in _layers)
        {
            Array.Clear(layer.CarriedHidden);
            Array.Clear(layer.CarriedCell);
        }
    }

    /// <summary>
    /// Runs steps [start, start + length) of every window from the carried state, and leaves the
    /// final state carried for the next segment. Returns the summed loss and how many outputs were
    /// scored (steps before <paramref name="warmup"/> and NaN targets are not), and prepares the head
    /// gradient of the mean loss over this segment for <see cref="Backward"/>.
    /// </summary>
    public (double LossSum, int Scored) ForwardSegment(TrainingBatch batch, int start, int length, int warmup)
    {
        if (batch.Series != _batch) throw new InvalidOperationException("call BeginWindows with the batch size first");
        EnsureSegment(length);
        _segment = length;
        int n = _batch, d = Spec.InputFeatures, k = Spec.OutputUnits;
        for (int t = 0; t < length; t++)
            for (int s = 0; s < n; s++)
            {
                var source = batch.Input(s, start + t);
                var dest = _inputs.AsSpan((t * n + s) * d, d);
                for (int j = 0; j < d; j++) dest[j] = T.CreateChecked(source[j]);
                var target = batch.Target(s, start + t);
                var targetDest = _targets.AsSpan((t * n + s) * k, k);
                bool scored = start + t >= warmup;
                for (int j = 0; j < k; j++) targetDest[j] = scored ? T.CreateChecked(target[j]) : T.NaN;
            }

        foreach (var layer in _layers)
        {
            layer.CarriedHidden.CopyTo(layer.Hidden, 0);
            layer.CarriedCell.CopyTo(layer.CellState, 0);
        }

        ReadOnlySpan<T> p = Parameters;
        RowKernels.Transpose(p.Slice(_denseKernel, _topUnits * _headWidth), _topUnits, _headWidth, _denseKernelT);
        for (int t = 0; t < length; t++)
        {
            for (int l = 0; l < _layers.Length; l++)
            {
                var layer = _layers[l];
                var x = LayerInputBlock(l, t);
                switch (layer.Cell)
                {
                    case CellType.SimpleRnn: SimpleRnnForward(layer, p, x, t); break;
                    case CellType.Lstm: LstmForward(layer, p, x, t); break;
                    default: GruForward(layer, p, x, t); break;
                }
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
        return HeadLoss(length);
    }

    /// <summary>Backpropagates the segment's mean loss through time; adds into <paramref name="gradients"/>.</summary>
    public void Backward(Span<T> gradients)
    {
        int n = _batch, length = _segment;
        ReadOnlySpan<T> p = Parameters;
        foreach (var layer in _layers)
        {
            Array.Clear(layer.RecurrentGrad);
            Array.Clear(layer.CellGrad);
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
                switch (layer.Cell)
                {
                    case CellType.SimpleRnn: SimpleRnnBackward(layer, t); break;
                    case CellType.Lstm: LstmBackward(layer, t); break;
                    default: GruBackward(layer, t); break;
                }
                AccumulateLayerGradients(layer, gradients, l, t);
                (_gradAbove, _gradBelow) = (_gradBelow, _gradAbove);
            }
        }
    }

    /// <summary>Head output of series <paramref name="s"/> at step <paramref name="t"/> of the last segment run.</summary>
    public ReadOnlySpan<T> Output(int t, int s) => _outputs.AsSpan((t * _batch + s) * _headWidth, _headWidth);

    /// <summary>½·λ·Σ kernel weights².</summary>
    public double L2Penalty(double lambda)
    {
        if (lambda == 0) return 0;
        double sum = 0;
        foreach (var slot in Layout.Slots)
        {
            if (!slot.IsKernel) continue;
            foreach (var w in Parameters.AsSpan(slot.Offset, slot.Length)) sum += double.CreateChecked(w * w);
        }
        return 0.5 * lambda * sum;
    }

    public void AddL2Gradient(double lambda, Span<T> gradients)
    {
        if (lambda == 0) return;
        var scale = T.CreateChecked(lambda);
        foreach (var slot in Layout.Slots)
        {
            if (!slot.IsKernel) continue;
            var g = gradients.Slice(slot.Offset, slot.Length);
            TensorPrimitives.FusedMultiplyAdd(Parameters.AsSpan(slot.Offset, slot.Length), scale, g, g);
        }
    }

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

    private (double, int) HeadLoss(int length)
    {
        int n = _batch, k = Spec.OutputUnits;
        bool gaussian = Spec.Head == OutputHead.Gaussian;
        double sum = 0;
        int scored = 0;
        for (int row = 0; row < length * n; row++)
        {
            var target = _targets.AsSpan(row * k, k);
            var y = _outputs.AsSpan(row * _headWidth, _headWidth);
            for (int j = 0; j < k; j++)
            {
                if (T.IsNaN(target[j])) continue;
                scored++;
                T error = y[j] - target[j];
                if (gaussian)
                {
                    T variance = GaussianHead.Variance(y[k + j]);
                    sum += 0.5 * (double.Log(double.CreateChecked(variance)) + double.CreateChecked(error * error / variance) + Math.Log(2 * Math.PI));
                }
                else sum += double.CreateChecked(error * error);
            }
        }
        T inverseCount = scored > 0 ? T.One / T.CreateChecked(scored) : T.Zero;
        T two = T.CreateChecked(2), half = T.CreateChecked(0.5);
        for (int row = 0; row < length * n; row++)
        {
            var target = _targets.AsSpan(row * k, k);
            var y = _outputs.AsSpan(row * _headWidth, _headWidth);
            var dy = _outputGradients.AsSpan(row * _headWidth, _headWidth);
            dy.Clear();
            for (int j = 0; j < k; j++)
            {
                if (T.IsNaN(target[j])) continue;
                T error = y[j] - target[j];
                if (gaussian)
                {
                    T raw = y[k + j];
                    T variance = GaussianHead.Variance(raw);
                    dy[j] = error / variance * inverseCount;
                    T dVariance = half * (T.One / variance - error * error / (variance * variance));
                    dy[k + j] = dVariance * GaussianHead.VarianceSlope(raw) * inverseCount;
                }
                else dy[j] = two * error * inverseCount;
            }
        }
        return (sum, scored);
    }

    private void SimpleRnnForward(LayerWork layer, ReadOnlySpan<T> p, ReadOnlySpan<T> x, int t)
    {
        int units = layer.Units, n = _batch;
        var h = layer.Hidden.AsSpan((t + 1) * n * units, n * units);
        BatchKernels.FillRows(n, p.Slice(layer.BiasOffset, units), h);
        BatchKernels.AccumulateProduct(n, x, p.Slice(layer.KernelOffset, layer.Inputs * units), layer.Inputs,
            layer.Hidden.AsSpan(t * n * units, n * units), p.Slice(layer.RecurrentOffset, units * units), units, h, units);
        if (layer.Activation == Activation.Relu) TensorPrimitives.Max(h, T.Zero, h);
        else TensorPrimitives.Tanh(h, h);
    }

    private void LstmForward(LayerWork layer, ReadOnlySpan<T> p, ReadOnlySpan<T> x, int t)
    {
        int units = layer.Units, gates = 4 * units, n = _batch;
        var zBlock = layer.Gates.AsSpan(t * n * gates, n * gates);
        BatchKernels.FillRows(n, p.Slice(layer.BiasOffset, gates), zBlock);
        BatchKernels.AccumulateProduct(n, x, p.Slice(layer.KernelOffset, layer.Inputs * gates), layer.Inputs,
            layer.Hidden.AsSpan(t * n * units, n * units), p.Slice(layer.RecurrentOffset, units * gates), units, zBlock, gates);
        for (int s = 0; s < n; s++)
        {
            var cPrev = layer.CellState.AsSpan((t * n + s) * units, units);
            var h = layer.Hidden.AsSpan(((t + 1) * n + s) * units, units);
            var c = layer.CellState.AsSpan(((t + 1) * n + s) * units, units);
            var z = zBlock.Slice(s * gates, gates);
            TensorPrimitives.Sigmoid(z[..(2 * units)], z[..(2 * units)]);
            var g = z.Slice(2 * units, units);
            TensorPrimitives.Tanh(g, g);
            var o = z.Slice(3 * units, units);
            TensorPrimitives.Sigmoid(o, o);
            TensorPrimitives.Multiply(z.Slice(units, units), cPrev, c);
            TensorPrimitives.FusedMultiplyAdd(z[..units], g, c, c);
            var cellTanh = layer.Aux.AsSpan((t * n + s) * units, units);
            TensorPrimitives.Tanh(c, cellTanh);
            TensorPrimitives.Multiply(o, cellTanh, h);
        }
    }

    private void GruForward(LayerWork layer, ReadOnlySpan<T> p, ReadOnlySpan<T> x, int t)
    {
        int units = layer.Units, gates = 3 * units, n = _batch;
        var zBlock = layer.Gates.AsSpan(t * n * gates, n * gates);
        var fromHiddenBlock = _hiddenGateScratch.AsSpan(0, n * gates);
        var hPrevBlock = layer.Hidden.AsSpan(t * n * units, n * units);
        BatchKernels.FillRows(n, p.Slice(layer.BiasOffset, gates), zBlock);
        BatchKernels.AccumulateProduct(n, x, p.Slice(layer.KernelOffset, layer.Inputs * gates), layer.Inputs, [], [], 0, zBlock, gates);
        BatchKernels.FillRows(n, p.Slice(layer.BiasOffset + gates, gates), fromHiddenBlock);
        BatchKernels.AccumulateProduct(n, hPrevBlock, p.Slice(layer.RecurrentOffset, units * gates), units, [], [], 0, fromHiddenBlock, gates);
        for (int s = 0; s < n; s++)
        {
            var hPrev = hPrevBlock.Slice(s * units, units);
            var h = layer.Hidden.AsSpan(((t + 1) * n + s) * units, units);
            var z = zBlock.Slice(s * gates, gates);
            var fromHidden = fromHiddenBlock.Slice(s * gates, gates);
            var updateReset = z[..(2 * units)];
            TensorPrimitives.Add(updateReset, fromHidden[..(2 * units)], updateReset);
            TensorPrimitives.Sigmoid(updateReset, updateReset);
            var recurrentCandidate = layer.Aux.AsSpan((t * n + s) * units, units);
            fromHidden.Slice(2 * units, units).CopyTo(recurrentCandidate);
            var candidate = z.Slice(2 * units, units);
            TensorPrimitives.FusedMultiplyAdd(z.Slice(units, units), recurrentCandidate, candidate, candidate);
            TensorPrimitives.Tanh(candidate, candidate);
            TensorPrimitives.Subtract(hPrev, candidate, h);
            TensorPrimitives.FusedMultiplyAdd(z[..units], h, candidate, h);
        }
    }

    /// <summary>Pre-activation gradients of a SimpleRnn layer at step t, for the whole batch, into the input-side block.</summary>
    private void SimpleRnnBackward(LayerWork layer, int t)
    {
        int units = layer.Units, n = _batch;
        var h = layer.Hidden.AsSpan((t + 1) * n * units, n * units);
        var dz = _dInput.AsSpan(0, n * units);
        TensorPrimitives.Add(_gradAbove.AsSpan(0, n * units), layer.RecurrentGrad, dz);
        if (layer.Activation == Activation.Relu)
        {
            for (int j = 0; j < dz.Length; j++) if (!(h[j] > T.Zero)) dz[j] = T.Zero;
        }
        else
        {
            for (int j = 0; j < dz.Length; j++) dz[j] *= T.One - h[j] * h[j];
        }
    }

    private void LstmBackward(LayerWork layer, int t)
    {
        int units = layer.Units, gates = 4 * units, n = _batch;
        for (int s = 0; s < n; s++)
        {
            var cPrev = layer.CellState.AsSpan((t * n + s) * units, units);
            var z = layer.Gates.AsSpan((t * n + s) * gates, gates);
            var cellTanh = layer.Aux.AsSpan((t * n + s) * units, units);
            var recurrent = layer.RecurrentGrad.AsSpan(s * units, units);
            var cellGrad = layer.CellGrad.AsSpan(s * units, units);
            var above = _gradAbove.AsSpan(s * units, units);
            var dz = _dInput.AsSpan(s * gates, gates);
            int j = 0;
            var one = Vector256<T>.One;
            for (; j + Vector256<T>.Count <= units; j += Vector256<T>.Count)
            {
                var i = Vector256.Create(z[j..]);
                var f = Vector256.Create(z[(units + j)..]);
                var g = Vector256.Create(z[(2 * units + j)..]);
                var o = Vector256.Create(z[(3 * units + j)..]);
                var tc = Vector256.Create(cellTanh[j..]);
                var dh = Vector256.Create(above[j..]) + Vector256.Create(recurrent[j..]);
                var dc = Vector256.Create(cellGrad[j..]) + dh * o * (one - tc * tc);
                (dc * g * i * (one - i)).CopyTo(dz[j..]);
                (dc * Vector256.Create(cPrev[j..]) * f * (one - f)).CopyTo(dz[(units + j)..]);
                (dc * i * (one - g * g)).CopyTo(dz[(2 * units + j)..]);
                (dh * tc * o * (one - o)).CopyTo(dz[(3 * units + j)..]);
                (dc * f).CopyTo(cellGrad[j..]);
            }
            for (; j < units; j++)
            {
                T i = z[j], f = z[units + j], g = z[2 * units + j], o = z[3 * units + j], tc = cellTanh[j];
                T dh = above[j] + recurrent[j];
                T dc = cellGrad[j] + dh * o * (T.One - tc * tc);
                dz[j] = dc * g * i * (T.One - i);
                dz[units + j] = dc * cPrev[j] * f * (T.One - f);
                dz[2 * units + j] = dc * i * (T.One - g * g);
                dz[3 * units + j] = dh * tc * o * (T.One - o);
                cellGrad[j] = dc * f;
            }
        }
    }

    /// <summary>GRU gradients differ on the two sides of the reset gate, so the hidden side gets its own block, plus the direct path z·dh into h(t−1).</summary>
    private void GruBackward(LayerWork layer, int t)
    {
        int units = layer.Units, gates = 3 * units, n = _batch;
        for (int s = 0; s < n; s++)
        {
            var hPrev = layer.Hidden.AsSpan((t * n + s) * units, units);
            var z = layer.Gates.AsSpan((t * n + s) * gates, gates);
            var recurrentCandidate = layer.Aux.AsSpan((t * n + s) * units, units);
            var recurrent = layer.RecurrentGrad.AsSpan(s * units, units);
            var above = _gradAbove.AsSpan(s * units, units);
            var dInput = _dInput.AsSpan(s * gates, gates);
            var dHidden = _dHidden.AsSpan(s * gates, gates);
            var direct = _directGrad.AsSpan(s * units, units);
            int j = 0;
            var one = Vector256<T>.One;
            for (; j + Vector256<T>.Count <= units; j += Vector256<T>.Count)
            {
                var update = Vector256.Create(z[j..]);
                var reset = Vector256.Create(z[(units + j)..]);
                var candidate = Vector256.Create(z[(2 * units + j)..]);
                var dh = Vector256.Create(above[j..]) + Vector256.Create(recurrent[j..]);
                var dCandidatePre = dh * (one - update) * (one - candidate * candidate);
                var dUpdatePre = dh * (Vector256.Create(hPrev[j..]) - candidate) * update * (one - update);
                var dResetPre = dCandidatePre * Vector256.Create(recurrentCandidate[j..]) * reset * (one - reset);
                dUpdatePre.CopyTo(dInput[j..]);
                dUpdatePre.CopyTo(dHidden[j..]);
                dResetPre.CopyTo(dInput[(units + j)..]);
                dResetPre.CopyTo(dHidden[(units + j)..]);
                dCandidatePre.CopyTo(dInput[(2 * units + j)..]);
                (dCandidatePre * reset).CopyTo(dHidden[(2 * units + j)..]);
                (dh * update).CopyTo(direct[j..]);
            }
            for (; j < units; j++)
            {
                T update = z[j], reset = z[units + j], candidate = z[2 * units + j];
                T dh = above[j] + recurrent[j];
                T dCandidatePre = dh * (T.One - update) * (T.One - candidate * candidate);
                T dUpdatePre = dh * (hPrev[j] - candidate) * update * (T.One - update);
                T dResetPre = dCandidatePre * recurrentCandidate[j] * reset * (T.One - reset);
                dInput[j] = dHidden[j] = dUpdatePre;
                dInput[units + j] = dHidden[units + j] = dResetPre;
                dInput[2 * units + j] = dCandidatePre;
                dHidden[2 * units + j] = dCandidatePre * reset;
                direct[j] = dh * update;
            }
        }
    }

    /// <summary>
    /// The part every cell shares, batched over the series at step t: kernel, recurrent-kernel and
    /// bias gradients from the pre-activation gradients, the gradient into h(t−1) (replacing the
    /// layer's recurrent gradient), and into the layer below.
    /// </summary>
    private void AccumulateLayerGradients(LayerWork layer, Span<T> grads, int l, int t)
    {
        int width = layer.GateWidth, units = layer.Units, n = _batch;
        bool gru = layer.Cell == CellType.Gru;
        var dFromInput = _dInput.AsSpan(0, n * width);
        var dFromHidden = gru ? _dHidden.AsSpan(0, n * width) : dFromInput;
        var x = LayerInputBlock(l, t);
        var hPrev = layer.Hidden.AsSpan(t * n * units, n * units);

        BatchKernels.AccumulateTransposedProduct(n, x, layer.Inputs, dFromInput, width, grads.Slice(layer.KernelOffset, layer.Inputs * width));
        BatchKernels.AccumulateTransposedProduct(n, hPrev, units, dFromHidden, width, grads.Slice(layer.RecurrentOffset, units * width));
        BatchKernels.AccumulateColumnSums(n, dFromInput, grads.Slice(layer.BiasOffset, width));
        if (gru) BatchKernels.AccumulateColumnSums(n, dFromHidden, grads.Slice(layer.BiasOffset + width, width));

        var recurrent = layer.RecurrentGrad.AsSpan();
        if (gru) _directGrad.AsSpan(0, n * units).CopyTo(recurrent);
        else recurrent.Clear();
        BatchKernels.AccumulateProduct<T>(n, dFromHidden, layer.RecurrentT, width, [], [], 0, recurrent, units);
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
        int n = _batch;
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

    /// <summary>One layer's offsets into the parameters and its unrolled activations.</summary>
    private sealed class LayerWork(LayerSpec spec, int inputs, int kernelOffset, int recurrentOffset, int biasOffset)
    {
        public CellType Cell { get; } = spec.Cell;
        public Activation Activation { get; } = spec.Activation;
        public int Units { get; } = spec.Units;
        public int GateWidth { get; } = spec.GateWidth;
        public int Inputs { get; } = inputs;
        public int KernelOffset { get; } = kernelOffset;
        public int RecurrentOffset { get; } = recurrentOffset;
        public int BiasOffset { get; } = biasOffset;

        public T[] Hidden = [];
        public T[] CellState = [];
        public T[] Gates = [];
        /// <summary>LSTM: tanh of the cell state; GRU: the recurrent part of the candidate's pre-activation.</summary>
        public T[] Aux = [];
        public T[] CarriedHidden = [];
        public T[] CarriedCell = [];
        public T[] RecurrentGrad = [];
        public T[] CellGrad = [];
        public T[] KernelT = [];
        public T[] RecurrentT = [];
    }
}
