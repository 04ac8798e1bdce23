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
        for (int s = 0; s < n; s++)
        {
            var hPrev = layer.Hidden.AsSpan((t * n + s) * units, units);
            var z = layer.Gates.AsSpan((t * n + s) * gates, gates);
            var recurrentCandidate = layer.Aux.AsSpan((t * n + s) * units, units);
            var recurrent = layer.RecurrentGrad.AsSpan(s * units, units);
            var above = aboveBlock.Slice(s * units, units);
            var dInput = dInputBlock.Slice(s * gates, gates);
            var dHidden = dHiddenBlock.Slice(s * gates, gates);
            var direct = directBlock.Slice(s * units, units);
            int j = 0;
            // Per lane, so 512-bit vectors give the 256-bit loop's bits, with half the instructions where they are native.
            if (Vector512.IsHardwareAccelerated && units >= Vector512<T>.Count)
            {
                var wideOne = Vector512<T>.One;
                ref T zRef = ref MemoryMarshal.GetReference(z);
                ref T hPrevRef = ref MemoryMarshal.GetReference(hPrev);
                ref T candidateRef = ref MemoryMarshal.GetReference(recurrentCandidate);
                ref T recurrentRef = ref MemoryMarshal.GetReference(recurrent);
                ref T aboveRef = ref MemoryMarshal.GetReference(above);
                ref T dInputRef = ref MemoryMarshal.GetReference(dInput);
                ref T dHiddenRef = ref MemoryMarshal.GetReference(dHidden);
                ref T directRef = ref MemoryMarshal.GetReference(direct);
                for (; j + Vector512<T>.Count <= units; j += Vector512<T>.Count)
                {
                    nuint at = (nuint)j, resetAt = (nuint)(units + j), candidateAt = (nuint)(2 * units + j);
                    var update = Vector512.LoadUnsafe(ref zRef, at);
                    var reset = Vector512.LoadUnsafe(ref zRef, resetAt);
                    var candidate = Vector512.LoadUnsafe(ref zRef, candidateAt);
                    var dh = Vector512.LoadUnsafe(ref aboveRef, at) + Vector512.LoadUnsafe(ref recurrentRef, at);
                    var dCandidatePre = dh * (wideOne - update) * (wideOne - candidate * candidate);
                    var dUpdatePre = dh * (Vector512.LoadUnsafe(ref hPrevRef, at) - candidate) * update * (wideOne - update);
                    var dResetPre = dCandidatePre * Vector512.LoadUnsafe(ref candidateRef, at) * reset * (wideOne - reset);
                    dUpdatePre.StoreUnsafe(ref dInputRef, at);
                    dUpdatePre.StoreUnsafe(ref dHiddenRef, at);
                    dResetPre.StoreUnsafe(ref dInputRef, resetAt);
                    dResetPre.StoreUnsafe(ref dHiddenRef, resetAt);
                    dCandidatePre.StoreUnsafe(ref dInputRef, candidateAt);
                    (dCandidatePre * reset).StoreUnsafe(ref dHiddenRef, candidateAt);
                    (dh * update).StoreUnsafe(ref directRef, at);
                }
            }
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
}
