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
        // The batch's blocks once, then references into them: a span per series and buffer cost as much as the arithmetic.
        ref T zBlock = ref MemoryMarshal.GetReference(layer.Gates.AsSpan(t * n * gates, n * gates));
        ref T cPrevBlock = ref MemoryMarshal.GetReference(layer.CellState.AsSpan(t * n * units, n * units));
        ref T tanhBlock = ref MemoryMarshal.GetReference(layer.Aux.AsSpan(t * n * units, n * units));
        ref T recurrentBlock = ref MemoryMarshal.GetReference(layer.RecurrentGrad.AsSpan(0, n * units));
        ref T cellGradBlock = ref MemoryMarshal.GetReference(layer.CellGrad.AsSpan(0, n * units));
        ref T aboveRef = ref MemoryMarshal.GetReference(aboveBlock[..(n * units)]);
        ref T dzBlock = ref MemoryMarshal.GetReference(dInput[..(n * gates)]);
        for (int s = 0; s < n; s++)
        {
            ref T z = ref Unsafe.Add(ref zBlock, s * gates);
            ref T dz = ref Unsafe.Add(ref dzBlock, s * gates);
            ref T cPrev = ref Unsafe.Add(ref cPrevBlock, s * units);
            ref T cellTanh = ref Unsafe.Add(ref tanhBlock, s * units);
            ref T recurrent = ref Unsafe.Add(ref recurrentBlock, s * units);
            ref T cellGrad = ref Unsafe.Add(ref cellGradBlock, s * units);
            ref T above = ref Unsafe.Add(ref aboveRef, s * units);
            int j = 0;
            // Per lane, so 512-bit vectors give the 256-bit loop's bits, with half the instructions where they are native.
            if (Vector512.IsHardwareAccelerated)
            {
                var one = Vector512<T>.One;
                for (; j + Vector512<T>.Count <= units; j += Vector512<T>.Count)
                {
                    nuint at = (nuint)j, forgetAt = (nuint)(units + j), candidateAt = (nuint)(2 * units + j), outputAt = (nuint)(3 * units + j);
                    var i = Vector512.LoadUnsafe(ref z, at);
                    var f = Vector512.LoadUnsafe(ref z, forgetAt);
                    var g = Vector512.LoadUnsafe(ref z, candidateAt);
                    var o = Vector512.LoadUnsafe(ref z, outputAt);
                    var tc = Vector512.LoadUnsafe(ref cellTanh, at);
                    var dh = Vector512.LoadUnsafe(ref above, at) + Vector512.LoadUnsafe(ref recurrent, at);
                    var dc = Vector512.LoadUnsafe(ref cellGrad, at) + dh * o * (one - tc * tc);
                    (dc * g * i * (one - i)).StoreUnsafe(ref dz, at);
                    (dc * Vector512.LoadUnsafe(ref cPrev, at) * f * (one - f)).StoreUnsafe(ref dz, forgetAt);
                    (dc * i * (one - g * g)).StoreUnsafe(ref dz, candidateAt);
                    (dh * tc * o * (one - o)).StoreUnsafe(ref dz, outputAt);
                    (dc * f).StoreUnsafe(ref cellGrad, at);
                }
            }
            {
                var one = Vector256<T>.One;
                for (; j + Vector256<T>.Count <= units; j += Vector256<T>.Count)
                {
                    nuint at = (nuint)j, forgetAt = (nuint)(units + j), candidateAt = (nuint)(2 * units + j), outputAt = (nuint)(3 * units + j);
                    var i = Vector256.LoadUnsafe(ref z, at);
                    var f = Vector256.LoadUnsafe(ref z, forgetAt);
                    var g = Vector256.LoadUnsafe(ref z, candidateAt);
                    var o = Vector256.LoadUnsafe(ref z, outputAt);
                    var tc = Vector256.LoadUnsafe(ref cellTanh, at);
                    var dh = Vector256.LoadUnsafe(ref above, at) + Vector256.LoadUnsafe(ref recurrent, at);
                    var dc = Vector256.LoadUnsafe(ref cellGrad, at) + dh * o * (one - tc * tc);
                    (dc * g * i * (one - i)).StoreUnsafe(ref dz, at);
                    (dc * Vector256.LoadUnsafe(ref cPrev, at) * f * (one - f)).StoreUnsafe(ref dz, forgetAt);
                    (dc * i * (one - g * g)).StoreUnsafe(ref dz, candidateAt);
                    (dh * tc * o * (one - o)).StoreUnsafe(ref dz, outputAt);
                    (dc * f).StoreUnsafe(ref cellGrad, at);
                }
            }
            for (; j < units; j++)
            {
                T i = Unsafe.Add(ref z, j), f = Unsafe.Add(ref z, units + j), g = Unsafe.Add(ref z, 2 * units + j), o = Unsafe.Add(ref z, 3 * units + j);
                T tc = Unsafe.Add(ref cellTanh, j);
                T dh = Unsafe.Add(ref above, j) + Unsafe.Add(ref recurrent, j);
                T dc = Unsafe.Add(ref cellGrad, j) + dh * o * (T.One - tc * tc);
                Unsafe.Add(ref dz, j) = dc * g * i * (T.One - i);
                Unsafe.Add(ref dz, units + j) = dc * Unsafe.Add(ref cPrev, j) * f * (T.One - f);
                Unsafe.Add(ref dz, 2 * units + j) = dc * i * (T.One - g * g);
                Unsafe.Add(ref dz, 3 * units + j) = dh * tc * o * (T.One - o);
                Unsafe.Add(ref cellGrad, j) = dc * f;
            }
        }
    }
}
