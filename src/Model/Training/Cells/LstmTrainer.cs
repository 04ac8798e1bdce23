using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using RnnStream.Model.Kernels;

namespace RnnStream.Model.Training.Cells;

/// <summary>
/// Keras's LSTM: gates i, f, g, o from b + x·W + h·U; c(t+1) = f·c(t) + i·g, h(t+1) = o·tanh(c(t+1)).
/// Keeps the gates and tanh(c) for the backward pass, and carries the cell state's gradient back in time.
/// </summary>
internal sealed class LstmTrainer<T> : CellTrainer<T> where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    public static readonly LstmTrainer<T> Instance = new();

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Forward(UnrolledLayer<T> layer, ReadOnlySpan<T> p, ReadOnlySpan<T> x, int t, int n, Span<T> scratch)
    {
        int units = layer.Units, gates = 4 * units;
        var zBlock = layer.Gates.AsSpan(t * n * gates, n * gates);
        BatchKernels.FillRows(n, p.Slice(layer.BiasOffset, gates), zBlock);
        BatchKernels.AccumulateProduct(n, x, p.Slice(layer.KernelOffset, layer.Inputs * gates), layer.Inputs,
            layer.Hidden.AsSpan(t * n * units, n * units), p.Slice(layer.RecurrentOffset, units * gates), units, zBlock, gates);
        if (typeof(T) == typeof(float) && GateMath.Fits(units))
        {
            for (int s = 0; s < n; s++)
                GateMath.Lstm(AsSingle(zBlock.Slice(s * gates, gates)), AsSingle(layer.CellState.AsSpan((t * n + s) * units, units)),
                    AsSingle(layer.CellState.AsSpan(((t + 1) * n + s) * units, units)), AsSingle(layer.Aux.AsSpan((t * n + s) * units, units)),
                    AsSingle(layer.Hidden.AsSpan(((t + 1) * n + s) * units, units)));
            return;
        }
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

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Backward(UnrolledLayer<T> layer, int t, int n, ReadOnlySpan<T> aboveBlock, Span<T> dInput, Span<T> dHidden, Span<T> direct)
    {
        int units = layer.Units, gates = 4 * units;
        for (int s = 0; s < n; s++)
        {
            var cPrev = layer.CellState.AsSpan((t * n + s) * units, units);
            var z = layer.Gates.AsSpan((t * n + s) * gates, gates);
            var cellTanh = layer.Aux.AsSpan((t * n + s) * units, units);
            var recurrent = layer.RecurrentGrad.AsSpan(s * units, units);
            var cellGrad = layer.CellGrad.AsSpan(s * units, units);
            var above = aboveBlock.Slice(s * units, units);
            var dz = dInput.Slice(s * gates, gates);
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
}
