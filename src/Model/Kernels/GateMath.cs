using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace RnnStream.Model.Kernels;

/// <summary>
/// A recurrent cell's gates for one series at one step, fused into one pass over its units, eight at
/// a time. Each gate's arithmetic is the same as the separate <c>TensorPrimitives</c> calls it
/// replaces (the same sigmoid and tanh formulas on <see cref="Vector256.Exp(Vector256{float})"/>,
/// the same fused multiply-adds), so training and the live step agree to the bit whichever of them
/// runs fused; the win is seven short calls per series made one loop. Float only, and only for
/// widths that are a whole number of vectors: callers keep the separate calls otherwise.
/// </summary>
/// <remarks>
/// Where 512-bit vectors are accelerated the units go sixteen at a time as far as they can. Every
/// operation here is per lane, and <see cref="Vector512.Exp(Vector512{float})"/> is the same
/// per-lane computation as the 256-bit one (all 2³² floats compared, and tested), so the bits are
/// those of the 256-bit loop on any machine; on a CPU with a full 512-bit datapath it is half the work.
/// </remarks>
internal static class GateMath
{
    public static bool Fits(int units) => units % Vector256<float>.Count == 0;

    /// <summary>1 / (1 + e^−x), as <c>TensorPrimitives.Sigmoid</c> computes it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Sigmoid(Vector256<float> x) => SigmoidFrom(Vector256.Exp(-x));

    /// <summary>The sigmoid sixteen lanes at a time, each lane the bits of <see cref="Sigmoid(Vector256{float})"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Sigmoid(Vector512<float> x) => SigmoidFrom(Vector512.Exp(-x));

    /// <summary>
    /// tanh through z = e^(−2|x|) − 1: tanh|x| = −z / (z + 2), and the sign of x put back; as
    /// <c>TensorPrimitives.Tanh</c> computes it (checked to the bit in the tests).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Tanh(Vector256<float> x) => TanhFrom(Vector256.Exp(TanhArgument(x)), x);

    /// <summary>tanh sixteen lanes at a time, each lane the bits of <see cref="Tanh(Vector256{float})"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Tanh(Vector512<float> x) => TanhFrom(Vector512.Exp(TanhArgument(x)), x);

    // The sigmoid and tanh in two halves, around the exponential, so that a batch can take its exponentials in a
    // pass of their own (BatchGateMath) and still compute exactly these formulas.

    /// <summary>The sigmoid of x from e^−x.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> SigmoidFrom(Vector256<float> exponential) => Vector256<float>.One / (Vector256<float>.One + exponential);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> SigmoidFrom(Vector512<float> exponential) => Vector512<float>.One / (Vector512<float>.One + exponential);

    /// <summary>tanh's argument to the exponential: −2·|x|.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> TanhArgument(Vector256<float> x) => Vector256.Create(-2f) * Vector256.Abs(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> TanhArgument(Vector512<float> x) => Vector512.Create(-2f) * Vector512.Abs(x);

    /// <summary>tanh of x from e^(−2|x|).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> TanhFrom(Vector256<float> exponential, Vector256<float> x)
    {
        var z = exponential - Vector256<float>.One;
        var sign = x.AsUInt32() & Vector256.Create(0x8000_0000u);
        return (sign ^ (-z / (z + Vector256.Create(2f))).AsUInt32()).AsSingle();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> TanhFrom(Vector512<float> exponential, Vector512<float> x)
    {
        var z = exponential - Vector512<float>.One;
        var sign = x.AsUInt32() & Vector512.Create(0x8000_0000u);
        return (sign ^ (-z / (z + Vector512.Create(2f))).AsUInt32()).AsSingle();
    }

    /// <summary>
    /// GRU (reset after): z holds x·W + b for update, reset and candidate and receives their
    /// activations; fromHidden holds h·U + b_h. h = u·(hPrev − g) + g with g = tanh(z_g + r·(h·U_g + b_g)).
    /// hPrev and h may be the same span (the live step updates in place).
    /// </summary>
    /// <param name="recurrentCandidate">Receives h·U_g + b_g for the backward pass; empty when not kept.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Gru(Span<float> z, ReadOnlySpan<float> fromHidden, ReadOnlySpan<float> hPrev, Span<float> h, Span<float> recurrentCandidate)
    {
        int units = h.Length;
        ref float zRef = ref MemoryMarshal.GetReference(z);
        ref float fromHiddenRef = ref MemoryMarshal.GetReference(fromHidden);
        ref float hPrevRef = ref MemoryMarshal.GetReference(hPrev);
        ref float hRef = ref MemoryMarshal.GetReference(h);
        bool keep = !recurrentCandidate.IsEmpty;
        int j = 0;
        if (Vector512.IsHardwareAccelerated)
            for (; j + Vector512<float>.Count <= units; j += Vector512<float>.Count)
            {
                nuint at = (nuint)j, reset = (nuint)(units + j), candidateAt = (nuint)(2 * units + j);
                var update = Sigmoid(Vector512.LoadUnsafe(ref zRef, at) + Vector512.LoadUnsafe(ref fromHiddenRef, at));
                var resetGate = Sigmoid(Vector512.LoadUnsafe(ref zRef, reset) + Vector512.LoadUnsafe(ref fromHiddenRef, reset));
                var fromHiddenCandidate = Vector512.LoadUnsafe(ref fromHiddenRef, candidateAt);
                var candidate = Tanh(Vector512.FusedMultiplyAdd(resetGate, fromHiddenCandidate, Vector512.LoadUnsafe(ref zRef, candidateAt)));
                var next = Vector512.FusedMultiplyAdd(update, Vector512.LoadUnsafe(ref hPrevRef, at) - candidate, candidate);
                update.StoreUnsafe(ref zRef, at);
                resetGate.StoreUnsafe(ref zRef, reset);
                candidate.StoreUnsafe(ref zRef, candidateAt);
                next.StoreUnsafe(ref hRef, at);
                if (keep) fromHiddenCandidate.CopyTo(recurrentCandidate[j..]);
            }
        for (; j < units; j += Vector256<float>.Count)
        {
            nuint at = (nuint)j, reset = (nuint)(units + j), candidateAt = (nuint)(2 * units + j);
            var update = Sigmoid(Vector256.LoadUnsafe(ref zRef, at) + Vector256.LoadUnsafe(ref fromHiddenRef, at));
            var resetGate = Sigmoid(Vector256.LoadUnsafe(ref zRef, reset) + Vector256.LoadUnsafe(ref fromHiddenRef, reset));
            var fromHiddenCandidate = Vector256.LoadUnsafe(ref fromHiddenRef, candidateAt);
            var candidate = Tanh(Vector256.FusedMultiplyAdd(resetGate, fromHiddenCandidate, Vector256.LoadUnsafe(ref zRef, candidateAt)));
            var next = Vector256.FusedMultiplyAdd(update, Vector256.LoadUnsafe(ref hPrevRef, at) - candidate, candidate);
            update.StoreUnsafe(ref zRef, at);
            resetGate.StoreUnsafe(ref zRef, reset);
            candidate.StoreUnsafe(ref zRef, candidateAt);
            next.StoreUnsafe(ref hRef, at);
            if (keep) fromHiddenCandidate.CopyTo(recurrentCandidate[j..]);
        }
    }

    /// <summary>
    /// LSTM: z holds b + x·W + h·U for gates i, f, g, o and receives their activations;
    /// c = f·cPrev + i·g, h = o·tanh(c). cPrev and c may be the same span.
    /// </summary>
    /// <param name="cellTanh">Receives tanh(c), kept for the backward pass.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Lstm(Span<float> z, ReadOnlySpan<float> cPrev, Span<float> c, Span<float> cellTanh, Span<float> h)
    {
        int units = h.Length;
        ref float zRef = ref MemoryMarshal.GetReference(z);
        ref float cPrevRef = ref MemoryMarshal.GetReference(cPrev);
        ref float cRef = ref MemoryMarshal.GetReference(c);
        ref float cellTanhRef = ref MemoryMarshal.GetReference(cellTanh);
        ref float hRef = ref MemoryMarshal.GetReference(h);
        int j = 0;
        if (Vector512.IsHardwareAccelerated)
            for (; j + Vector512<float>.Count <= units; j += Vector512<float>.Count)
            {
                nuint at = (nuint)j, forgetAt = (nuint)(units + j), candidateAt = (nuint)(2 * units + j), outputAt = (nuint)(3 * units + j);
                var input = Sigmoid(Vector512.LoadUnsafe(ref zRef, at));
                var forget = Sigmoid(Vector512.LoadUnsafe(ref zRef, forgetAt));
                var candidate = Tanh(Vector512.LoadUnsafe(ref zRef, candidateAt));
                var output = Sigmoid(Vector512.LoadUnsafe(ref zRef, outputAt));
                var cell = Vector512.FusedMultiplyAdd(input, candidate, forget * Vector512.LoadUnsafe(ref cPrevRef, at));
                var squashed = Tanh(cell);
                input.StoreUnsafe(ref zRef, at);
                forget.StoreUnsafe(ref zRef, forgetAt);
                candidate.StoreUnsafe(ref zRef, candidateAt);
                output.StoreUnsafe(ref zRef, outputAt);
                cell.StoreUnsafe(ref cRef, at);
                squashed.StoreUnsafe(ref cellTanhRef, at);
                (output * squashed).StoreUnsafe(ref hRef, at);
            }
        for (; j < units; j += Vector256<float>.Count)
        {
            nuint at = (nuint)j, forgetAt = (nuint)(units + j), candidateAt = (nuint)(2 * units + j), outputAt = (nuint)(3 * units + j);
            var input = Sigmoid(Vector256.LoadUnsafe(ref zRef, at));
            var forget = Sigmoid(Vector256.LoadUnsafe(ref zRef, forgetAt));
            var candidate = Tanh(Vector256.LoadUnsafe(ref zRef, candidateAt));
            var output = Sigmoid(Vector256.LoadUnsafe(ref zRef, outputAt));
            var cell = Vector256.FusedMultiplyAdd(input, candidate, forget * Vector256.LoadUnsafe(ref cPrevRef, at));
            var squashed = Tanh(cell);
            input.StoreUnsafe(ref zRef, at);
            forget.StoreUnsafe(ref zRef, forgetAt);
            candidate.StoreUnsafe(ref zRef, candidateAt);
            output.StoreUnsafe(ref zRef, outputAt);
            cell.StoreUnsafe(ref cRef, at);
            squashed.StoreUnsafe(ref cellTanhRef, at);
            (output * squashed).StoreUnsafe(ref hRef, at);
        }
    }
}
