using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using RnnStream.Model.Kernels;

namespace RnnStream.Model.Training.Cells;

/// <summary>
/// Keras's GRU (reset after): update u and reset r from both sides, candidate
/// g = tanh(x·W_g + r·(h·U_g + b_g)), h(t+1) = u·h(t) + (1 − u)·g. The hidden side has its own
/// bias and, through the reset gate, gradients of its own.
/// </summary>
internal sealed class GruTrainer<T> : CellTrainer<T> where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    public static readonly GruTrainer<T> Instance = new();

    public override bool SeparateHiddenSide => true;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Forward(UnrolledLayer<T> layer, ReadOnlySpan<T> p, ReadOnlySpan<T> x, int t, int n, Span<T> scratch)
    {
        int units = layer.Units, gates = 3 * units;
        var zBlock = layer.Gates.AsSpan(t * n * gates, n * gates);
        var fromHiddenBlock = scratch[..(n * gates)];
        var hPrevBlock = layer.Hidden.AsSpan(t * n * units, n * units);
        BatchKernels.FillRows(n, p.Slice(layer.BiasOffset, gates), zBlock);
        BatchKernels.AccumulateProduct(n, x, p.Slice(layer.KernelOffset, layer.Inputs * gates), layer.Inputs, [], [], 0, zBlock, gates);
        BatchKernels.FillRows(n, p.Slice(layer.BiasOffset + gates, gates), fromHiddenBlock);
        BatchKernels.AccumulateProduct(n, hPrevBlock, p.Slice(layer.RecurrentOffset, units * gates), units, [], [], 0, fromHiddenBlock, gates);
        if (typeof(T) == typeof(float) && GateMath.Fits(units))
        {
            BatchGateMath.Gru(n, units, AsSingle(zBlock), AsSingle(fromHiddenBlock), AsSingle(hPrevBlock),
                AsSingle(layer.Hidden.AsSpan((t + 1) * n * units, n * units)), AsSingle(layer.Aux.AsSpan(t * n * units, n * units)));
            return;
        }
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

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Backward(UnrolledLayer<T> layer, int t, int n, ReadOnlySpan<T> aboveBlock, Span<T> dInputBlock, Span<T> dHiddenBlock, Span<T> directBlock)
    {
        int units = layer.Units, gates = 3 * units;
        // The batch's blocks once, then references into them: a span per series and buffer cost as much as the arithmetic.
        ref T hPrevBlock = ref MemoryMarshal.GetReference(layer.Hidden.AsSpan(t * n * units, n * units));
        ref T zBlock = ref MemoryMarshal.GetReference(layer.Gates.AsSpan(t * n * gates, n * gates));
        ref T candidateBlock = ref MemoryMarshal.GetReference(layer.Aux.AsSpan(t * n * units, n * units));
        ref T recurrentBlock = ref MemoryMarshal.GetReference(layer.RecurrentGrad.AsSpan(0, n * units));
        ref T aboveRef = ref MemoryMarshal.GetReference(aboveBlock[..(n * units)]);
        ref T dInputRef = ref MemoryMarshal.GetReference(dInputBlock[..(n * gates)]);
        ref T dHiddenRef = ref MemoryMarshal.GetReference(dHiddenBlock[..(n * gates)]);
        ref T directRef = ref MemoryMarshal.GetReference(directBlock[..(n * units)]);
        for (int s = 0; s < n; s++)
        {
            ref T hPrev = ref Unsafe.Add(ref hPrevBlock, s * units);
            ref T z = ref Unsafe.Add(ref zBlock, s * gates);
            ref T recurrentCandidate = ref Unsafe.Add(ref candidateBlock, s * units);
            ref T recurrent = ref Unsafe.Add(ref recurrentBlock, s * units);
            ref T above = ref Unsafe.Add(ref aboveRef, s * units);
            ref T dInput = ref Unsafe.Add(ref dInputRef, s * gates);
            ref T dHidden = ref Unsafe.Add(ref dHiddenRef, s * gates);
            ref T direct = ref Unsafe.Add(ref directRef, s * units);
            int j = 0;
            // Per lane, so 512-bit vectors give the 256-bit loop's bits, with half the instructions where they are native.
            if (Vector512.IsHardwareAccelerated)
            {
                var one = Vector512<T>.One;
                for (; j + Vector512<T>.Count <= units; j += Vector512<T>.Count)
                {
                    nuint at = (nuint)j, resetAt = (nuint)(units + j), candidateAt = (nuint)(2 * units + j);
                    var update = Vector512.LoadUnsafe(ref z, at);
                    var reset = Vector512.LoadUnsafe(ref z, resetAt);
                    var candidate = Vector512.LoadUnsafe(ref z, candidateAt);
                    var dh = Vector512.LoadUnsafe(ref above, at) + Vector512.LoadUnsafe(ref recurrent, at);
                    var dCandidatePre = dh * (one - update) * (one - candidate * candidate);
                    var dUpdatePre = dh * (Vector512.LoadUnsafe(ref hPrev, at) - candidate) * update * (one - update);
                    var dResetPre = dCandidatePre * Vector512.LoadUnsafe(ref recurrentCandidate, at) * reset * (one - reset);
                    dUpdatePre.StoreUnsafe(ref dInput, at);
                    dUpdatePre.StoreUnsafe(ref dHidden, at);
                    dResetPre.StoreUnsafe(ref dInput, resetAt);
                    dResetPre.StoreUnsafe(ref dHidden, resetAt);
                    dCandidatePre.StoreUnsafe(ref dInput, candidateAt);
                    (dCandidatePre * reset).StoreUnsafe(ref dHidden, candidateAt);
                    (dh * update).StoreUnsafe(ref direct, at);
                }
            }
            {
                var one = Vector256<T>.One;
                for (; j + Vector256<T>.Count <= units; j += Vector256<T>.Count)
                {
                    nuint at = (nuint)j, resetAt = (nuint)(units + j), candidateAt = (nuint)(2 * units + j);
                    var update = Vector256.LoadUnsafe(ref z, at);
                    var reset = Vector256.LoadUnsafe(ref z, resetAt);
                    var candidate = Vector256.LoadUnsafe(ref z, candidateAt);
                    var dh = Vector256.LoadUnsafe(ref above, at) + Vector256.LoadUnsafe(ref recurrent, at);
                    var dCandidatePre = dh * (one - update) * (one - candidate * candidate);
                    var dUpdatePre = dh * (Vector256.LoadUnsafe(ref hPrev, at) - candidate) * update * (one - update);
                    var dResetPre = dCandidatePre * Vector256.LoadUnsafe(ref recurrentCandidate, at) * reset * (one - reset);
                    dUpdatePre.StoreUnsafe(ref dInput, at);
                    dUpdatePre.StoreUnsafe(ref dHidden, at);
                    dResetPre.StoreUnsafe(ref dInput, resetAt);
                    dResetPre.StoreUnsafe(ref dHidden, resetAt);
                    dCandidatePre.StoreUnsafe(ref dInput, candidateAt);
                    (dCandidatePre * reset).StoreUnsafe(ref dHidden, candidateAt);
                    (dh * update).StoreUnsafe(ref direct, at);
                }
            }
            for (; j < units; j++)
            {
                T update = Unsafe.Add(ref z, j), reset = Unsafe.Add(ref z, units + j), candidate = Unsafe.Add(ref z, 2 * units + j);
                T dh = Unsafe.Add(ref above, j) + Unsafe.Add(ref recurrent, j);
                T dCandidatePre = dh * (T.One - update) * (T.One - candidate * candidate);
                T dUpdatePre = dh * (Unsafe.Add(ref hPrev, j) - candidate) * update * (T.One - update);
                T dResetPre = dCandidatePre * Unsafe.Add(ref recurrentCandidate, j) * reset * (T.One - reset);
                Unsafe.Add(ref dInput, j) = Unsafe.Add(ref dHidden, j) = dUpdatePre;
                Unsafe.Add(ref dInput, units + j) = Unsafe.Add(ref dHidden, units + j) = dResetPre;
                Unsafe.Add(ref dInput, 2 * units + j) = dCandidatePre;
                Unsafe.Add(ref dHidden, 2 * units + j) = dCandidatePre * reset;
                Unsafe.Add(ref direct, j) = dh * update;
            }
        }
    }
}
