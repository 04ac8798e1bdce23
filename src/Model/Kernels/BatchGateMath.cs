using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace RnnStream.Model.Kernels;

/// <summary>
/// A cell's gates for a whole batch of series at one training step, with the exponentials taken in
/// passes over the batch. <see cref="GateMath"/> goes one series at a time and calls the vector
/// exponential (which .NET does not inline) once per gate, and each call spills the gates already
/// computed, which have to live across it; here the exponentials run in a loop with nothing else
/// live, and the rest is plain arithmetic around them. Each value is computed by the same operations
/// as <see cref="GateMath"/>: the exponential of the same argument, then the same division or the
/// same rebuilding of tanh from it, so the bits are GateMath's and the live step's (tested).
/// Float only, for widths <see cref="GateMath.Fits"/> accepts.
/// </summary>
internal static class BatchGateMath
{
    /// <summary>
    /// LSTM for n series whose rows follow one another: z (n × 4·units) holds b + x·W + h·U for gates
    /// i, f, g, o and receives their activations; c = f·cPrev + i·g, cellTanh = tanh(c), h = o·tanh(c).
    /// </summary>
    /// <param name="scratch">At least n × 4·units floats.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Lstm(int n, int units, Span<float> z, ReadOnlySpan<float> cPrev, Span<float> c, Span<float> cellTanh, Span<float> h, Span<float> scratch)
    {
        int gates = 4 * units, count = n * gates, states = n * units;
        if (!GateMath.Fits(units) || z.Length < count || scratch.Length < count || cPrev.Length < states || c.Length < states || cellTanh.Length < states || h.Length < states)
            throw new ArgumentException("a buffer is smaller than n series of these units, or the units are not whole vectors");
        ref float zRef = ref MemoryMarshal.GetReference(z);
        ref float eRef = ref MemoryMarshal.GetReference(scratch);
        for (int s = 0; s < n; s++)
        {
            int row = s * gates;
            Negate(ref Unsafe.Add(ref zRef, row), ref Unsafe.Add(ref eRef, row), 2 * units);
            TanhArgument(ref Unsafe.Add(ref zRef, row + 2 * units), ref Unsafe.Add(ref eRef, row + 2 * units), units);
            Negate(ref Unsafe.Add(ref zRef, row + 3 * units), ref Unsafe.Add(ref eRef, row + 3 * units), units);
        }
        ExpInPlace(ref eRef, count);

        ref float cPrevRef = ref MemoryMarshal.GetReference(cPrev);
        ref float cRef = ref MemoryMarshal.GetReference(c);
        ref float tanhRef = ref MemoryMarshal.GetReference(cellTanh);
        for (int s = 0; s < n; s++)
        {
            int row = s * gates, state = s * units;
            for (int j = 0; j < units; j += Vector256<float>.Count)
            {
                nuint at = (nuint)(row + j), forgetAt = at + (nuint)units, candidateAt = at + (nuint)(2 * units), outputAt = at + (nuint)(3 * units);
                var input = GateMath.SigmoidFrom(Vector256.LoadUnsafe(ref eRef, at));
                var forget = GateMath.SigmoidFrom(Vector256.LoadUnsafe(ref eRef, forgetAt));
                var candidate = GateMath.TanhFrom(Vector256.LoadUnsafe(ref eRef, candidateAt), Vector256.LoadUnsafe(ref zRef, candidateAt));
                GateMath.SigmoidFrom(Vector256.LoadUnsafe(ref eRef, outputAt)).StoreUnsafe(ref zRef, outputAt);
                var cell = Vector256.FusedMultiplyAdd(input, candidate, forget * Vector256.LoadUnsafe(ref cPrevRef, (nuint)(state + j)));
                input.StoreUnsafe(ref zRef, at);
                forget.StoreUnsafe(ref zRef, forgetAt);
                candidate.StoreUnsafe(ref zRef, candidateAt);
                cell.StoreUnsafe(ref cRef, (nuint)(state + j));
                GateMath.TanhArgument(cell).StoreUnsafe(ref tanhRef, (nuint)(state + j));
            }
        }
        ExpInPlace(ref tanhRef, states);

        ref float hRef = ref MemoryMarshal.GetReference(h);
        for (int s = 0; s < n; s++)
        {
            int outputRow = s * gates + 3 * units, state = s * units;
            for (int j = 0; j < units; j += Vector256<float>.Count)
            {
                nuint at = (nuint)(state + j);
                var squashed = GateMath.TanhFrom(Vector256.LoadUnsafe(ref tanhRef, at), Vector256.LoadUnsafe(ref cRef, at));
                squashed.StoreUnsafe(ref tanhRef, at);
                (Vector256.LoadUnsafe(ref zRef, (nuint)(outputRow + j)) * squashed).StoreUnsafe(ref hRef, at);
            }
        }
    }

    /// <summary>
    /// GRU (reset after) for n series whose rows follow one another: z (n × 3·units) holds x·W + b for
    /// update, reset and candidate and receives their activations; fromHidden holds h·U + b_h and is
    /// used up. h = u·(hPrev − g) + g with g = tanh(z_g + r·(h·U_g + b_g)); recurrentCandidate
    /// (n × units) receives h·U_g + b_g for the backward pass.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Gru(int n, int units, Span<float> z, Span<float> fromHidden, ReadOnlySpan<float> hPrev, Span<float> h, Span<float> recurrentCandidate)
    {
        int gates = 3 * units, count = n * gates, states = n * units;
        if (!GateMath.Fits(units) || z.Length < count || fromHidden.Length < count || hPrev.Length < states || h.Length < states || recurrentCandidate.Length < states)
            throw new ArgumentException("a buffer is smaller than n series of these units, or the units are not whole vectors");
        ref float zRef = ref MemoryMarshal.GetReference(z);
        ref float hiddenRef = ref MemoryMarshal.GetReference(fromHidden);
        for (int s = 0; s < n; s++)
        {
            int row = s * gates;
            for (int j = 0; j < 2 * units; j += Vector256<float>.Count)
            {
                nuint at = (nuint)(row + j);
                (-(Vector256.LoadUnsafe(ref zRef, at) + Vector256.LoadUnsafe(ref hiddenRef, at))).StoreUnsafe(ref zRef, at);
            }
            ExpInPlace(ref Unsafe.Add(ref zRef, row), 2 * units);
        }

        ref float keptRef = ref MemoryMarshal.GetReference(recurrentCandidate);
        for (int s = 0; s < n; s++)
        {
            int row = s * gates;
            for (int j = 0; j < units; j += Vector256<float>.Count)
            {
                nuint at = (nuint)(row + j), resetAt = at + (nuint)units, candidateAt = at + (nuint)(2 * units);
                GateMath.SigmoidFrom(Vector256.LoadUnsafe(ref zRef, at)).StoreUnsafe(ref zRef, at);
                var reset = GateMath.SigmoidFrom(Vector256.LoadUnsafe(ref zRef, resetAt));
                reset.StoreUnsafe(ref zRef, resetAt);
                var fromHiddenCandidate = Vector256.LoadUnsafe(ref hiddenRef, candidateAt);
                fromHiddenCandidate.StoreUnsafe(ref keptRef, (nuint)(s * units + j));
                var candidatePre = Vector256.FusedMultiplyAdd(reset, fromHiddenCandidate, Vector256.LoadUnsafe(ref zRef, candidateAt));
                candidatePre.StoreUnsafe(ref zRef, candidateAt);
                GateMath.TanhArgument(candidatePre).StoreUnsafe(ref hiddenRef, candidateAt);
            }
            ExpInPlace(ref Unsafe.Add(ref hiddenRef, row + 2 * units), units);
        }

        ref float hPrevRef = ref MemoryMarshal.GetReference(hPrev);
        ref float hRef = ref MemoryMarshal.GetReference(h);
        for (int s = 0; s < n; s++)
        {
            int row = s * gates;
            for (int j = 0; j < units; j += Vector256<float>.Count)
            {
                nuint at = (nuint)(row + j), candidateAt = at + (nuint)(2 * units), state = (nuint)(s * units + j);
                var candidate = GateMath.TanhFrom(Vector256.LoadUnsafe(ref hiddenRef, candidateAt), Vector256.LoadUnsafe(ref zRef, candidateAt));
                candidate.StoreUnsafe(ref zRef, candidateAt);
                Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref zRef, at), Vector256.LoadUnsafe(ref hPrevRef, state) - candidate, candidate).StoreUnsafe(ref hRef, state);
            }
        }
    }

    /// <summary>e^x in place over count floats, a whole number of 256-bit vectors: 512 bits at a time where accelerated, the same bits per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ExpInPlace(ref float values, int count)
    {
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
            for (; i + Vector512<float>.Count <= count; i += Vector512<float>.Count)
                Vector512.Exp(Vector512.LoadUnsafe(ref values, (nuint)i)).StoreUnsafe(ref values, (nuint)i);
        for (; i < count; i += Vector256<float>.Count)
            Vector256.Exp(Vector256.LoadUnsafe(ref values, (nuint)i)).StoreUnsafe(ref values, (nuint)i);
    }

    /// <summary>The sigmoid's argument to the exponential: −x.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Negate(ref float source, ref float dest, int count)
    {
        for (int j = 0; j < count; j += Vector256<float>.Count)
            (-Vector256.LoadUnsafe(ref source, (nuint)j)).StoreUnsafe(ref dest, (nuint)j);
    }

    /// <summary><see cref="GateMath.TanhArgument(Vector256{float})"/> of count values.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void TanhArgument(ref float source, ref float dest, int count)
    {
        for (int j = 0; j < count; j += Vector256<float>.Count)
            GateMath.TanhArgument(Vector256.LoadUnsafe(ref source, (nuint)j)).StoreUnsafe(ref dest, (nuint)j);
    }
}
