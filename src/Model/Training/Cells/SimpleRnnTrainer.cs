using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using RnnStream.Model.Kernels;
using RnnStream.Model.Specs;

namespace RnnStream.Model.Training.Cells;

/// <summary>h(t+1) = act(b + x·W + h(t)·U), act tanh or ReLU.</summary>
internal sealed class SimpleRnnTrainer<T> : CellTrainer<T> where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    public static readonly SimpleRnnTrainer<T> Instance = new();

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Forward(UnrolledLayer<T> layer, ReadOnlySpan<T> p, ReadOnlySpan<T> x, int t, int n, Span<T> scratch)
    {
        int units = layer.Units;
        var h = layer.Hidden.AsSpan((t + 1) * n * units, n * units);
        BatchKernels.FillRows(n, p.Slice(layer.BiasOffset, units), h);
        BatchKernels.AccumulateProduct(n, x, p.Slice(layer.KernelOffset, layer.Inputs * units), layer.Inputs,
            layer.Hidden.AsSpan(t * n * units, n * units), p.Slice(layer.RecurrentOffset, units * units), units, h, units);
        if (layer.Activation == Activation.Relu) TensorPrimitives.Max(h, T.Zero, h);
        else TensorPrimitives.Tanh(h, h);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Backward(UnrolledLayer<T> layer, int t, int n, ReadOnlySpan<T> above, Span<T> dInput, Span<T> dHidden, Span<T> direct)
    {
        int units = layer.Units;
        var h = layer.Hidden.AsSpan((t + 1) * n * units, n * units);
        var dz = dInput[..(n * units)];
        TensorPrimitives.Add(above[..(n * units)], layer.RecurrentGrad.AsSpan(0, n * units), dz);
        if (layer.Activation == Activation.Relu)
        {
            for (int j = 0; j < dz.Length; j++) if (!(h[j] > T.Zero)) dz[j] = T.Zero;
        }
        else
        {
            for (int j = 0; j < dz.Length; j++) dz[j] *= T.One - h[j] * h[j];
        }
    }
}
