using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
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
            BatchGateMath.Lstm(n, units, AsSingle(zBlock), AsSingle(layer.CellState.AsSpan(t * n * units, n * units)),
                AsSingle(layer.CellState.AsSpan((t + 1) * n * units, n * units)), AsSingle(layer.Aux.AsSpan(t * n * units, n * units)),
                AsSingle(layer.Hidden.AsSpan((t + 1) * n * units, n * units)), AsSingle(scratch));
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
            // Per lane, so 512-bit vectors give the 256-bit loop's bits, with half the instructions where they are native.
            if (Vector512.IsHardwareAccelerated && units >= Vector512<T>.Count)
            {
                var wideOne = Vector512<T>.One;
                ref T zRef = ref MemoryMarshal.GetReference(z);
                ref T cPrevRef = ref MemoryMarshal.GetReference(cPrev);
                ref T tanhRef = ref MemoryMarshal.GetReference(cellTanh);
                ref T recurrentRef = ref MemoryMarshal.GetReference(recurrent);
                ref T cellGradRef = ref MemoryMarshal.GetReference(cellGrad);
                ref T aboveRef = ref MemoryMarshal.GetReference(above);
                ref T dzRef = ref MemoryMarshal.GetReference(dz);
                for (; j + Vector512<T>.Count <= units; j += Vector512<T>.Count)
                {
                    nuint at = (nuint)j, forgetAt = (nuint)(units + j), candidateAt = (nuint)(2 * units + j), outputAt = (nuint)(3 * units + j);
                    var i = Vector512.LoadUnsafe(ref zRef, at);
                    var f = Vector512.LoadUnsafe(ref zRef, forgetAt);
                    var g = Vector512.LoadUnsafe(ref zRef, candidateAt);
                    var o = Vector512.LoadUnsafe(ref zRef, outputAt);
                    var tc = Vector512.LoadUnsafe(ref tanhRef, at);
                    var dh = Vector512.LoadUnsafe(ref aboveRef, at) + Vector512.LoadUnsafe(ref recurrentRef, at);
                    var dc = Vector512.LoadUnsafe(ref cellGradRef, at) + dh * o * (wideOne - tc * tc);
                    (dc * g * i * (wideOne - i)).StoreUnsafe(ref dzRef, at);
                    (dc * Vector512.LoadUnsafe(ref cPrevRef, at) * f * (wideOne - f)).StoreUnsafe(ref dzRef, forgetAt);
                    (dc * i * (wideOne - g * g)).StoreUnsafe(ref dzRef, candidateAt);
                    (dh * tc * o * (wideOne - o)).StoreUnsafe(ref dzRef, outputAt);
                    (dc * f).StoreUnsafe(ref cellGradRef, at);
                }
            }
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
