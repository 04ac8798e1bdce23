using System.Numerics;
using System.Runtime.Intrinsics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace RnnStream.Model.Kernels;

/// <summary>
/// The few dense kernels every cell is built from. Matrices are row-major in Keras's layout
/// (inputs × units), so a vector-matrix product is a sum of scaled rows: it vectorises across the
/// output units and keeps a block of accumulators in registers for the whole pass over the rows.
/// </summary>
/// <remarks>
/// Generic over float (the live path and training) and double (gradient checks), so both run the
/// same code. The element type test is a JIT-time constant, so each instantiation keeps one branch.
/// </remarks>
internal static class RowKernels
{
    /// <summary>dest = bias + a·Ma + b·Mb, with Ma (a.Length × dest.Length) and Mb (b.Length × dest.Length).</summary>
    public static void Affine<T>(
        ReadOnlySpan<T> a, ReadOnlySpan<T> matrixA,
        ReadOnlySpan<T> b, ReadOnlySpan<T> matrixB,
        ReadOnlySpan<T> bias, Span<T> dest)
        where T : unmanaged, INumber<T>
    {
        int cols = dest.Length;
        bias[..cols].CopyTo(dest);
        AccumulateProduct(a, matrixA, b, matrixB, dest);
    }

    /// <summary>acc += a·Ma + b·Mb (either input may be empty).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void AccumulateProduct<T>(
        ReadOnlySpan<T> a, ReadOnlySpan<T> matrixA,
        ReadOnlySpan<T> b, ReadOnlySpan<T> matrixB,
        Span<T> acc)
        where T : unmanaged, INumber<T>
    {
        int cols = acc.Length;
        int width = Vector256<T>.Count;
        ref T accRef = ref MemoryMarshal.GetReference(acc);
        ref T aRef = ref MemoryMarshal.GetReference(a);
        ref T bRef = ref MemoryMarshal.GetReference(b);
        ref T maRef = ref MemoryMarshal.GetReference(matrixA);
        ref T mbRef = ref MemoryMarshal.GetReference(matrixB);
        int rowsA = a.Length, rowsB = b.Length;
        if (matrixA.Length < rowsA * cols || matrixB.Length < rowsB * cols)
            throw new ArgumentException("matrix smaller than its inputs × outputs");

        int c = 0;
        for (; c + 4 * width <= cols; c += 4 * width)
        {
            var s0 = Vector256.LoadUnsafe(ref accRef, (nuint)c);
            var s1 = Vector256.LoadUnsafe(ref accRef, (nuint)(c + width));
            var s2 = Vector256.LoadUnsafe(ref accRef, (nuint)(c + 2 * width));
            var s3 = Vector256.LoadUnsafe(ref accRef, (nuint)(c + 3 * width));
            for (int r = 0; r < rowsA; r++)
            {
                var x = Vector256.Create(Unsafe.Add(ref aRef, r));
                ref T row = ref Unsafe.Add(ref maRef, r * cols + c);
                s0 = Simd.Fma(x, Vector256.LoadUnsafe(ref row), s0);
                s1 = Simd.Fma(x, Vector256.LoadUnsafe(ref row, (nuint)width), s1);
                s2 = Simd.Fma(x, Vector256.LoadUnsafe(ref row, (nuint)(2 * width)), s2);
                s3 = Simd.Fma(x, Vector256.LoadUnsafe(ref row, (nuint)(3 * width)), s3);
            }
            for (int r = 0; r < rowsB; r++)
            {
                var x = Vector256.Create(Unsafe.Add(ref bRef, r));
                ref T row = ref Unsafe.Add(ref mbRef, r * cols + c);
                s0 = Simd.Fma(x, Vector256.LoadUnsafe(ref row), s0);
                s1 = Simd.Fma(x, Vector256.LoadUnsafe(ref row, (nuint)width), s1);
                s2 = Simd.Fma(x, Vector256.LoadUnsafe(ref row, (nuint)(2 * width)), s2);
                s3 = Simd.Fma(x, Vector256.LoadUnsafe(ref row, (nuint)(3 * width)), s3);
            }
            s0.StoreUnsafe(ref accRef, (nuint)c);
            s1.StoreUnsafe(ref accRef, (nuint)(c + width));
            s2.StoreUnsafe(ref accRef, (nuint)(c + 2 * width));
            s3.StoreUnsafe(ref accRef, (nuint)(c + 3 * width));
        }
        for (; c + width <= cols; c += width)
        {
            var s = Vector256.LoadUnsafe(ref accRef, (nuint)c);
            for (int r = 0; r < rowsA; r++)
                s = Simd.Fma(Vector256.Create(Unsafe.Add(ref aRef, r)), Vector256.LoadUnsafe(ref maRef, (nuint)(r * cols + c)), s);
            for (int r = 0; r < rowsB; r++)
                s = Simd.Fma(Vector256.Create(Unsafe.Add(ref bRef, r)), Vector256.LoadUnsafe(ref mbRef, (nuint)(r * cols + c)), s);
            s.StoreUnsafe(ref accRef, (nuint)c);
        }
        for (; c < cols; c++)
        {
            T s = Unsafe.Add(ref accRef, c);
            for (int r = 0; r < rowsA; r++) s += Unsafe.Add(ref aRef, r) * Unsafe.Add(ref maRef, r * cols + c);
            for (int r = 0; r < rowsB; r++) s += Unsafe.Add(ref bRef, r) * Unsafe.Add(ref mbRef, r * cols + c);
            Unsafe.Add(ref accRef, c) = s;
        }
    }

    /// <summary>M += u ⊗ w, i.e. row r of M gains u[r]·w. The weight-gradient update of one series-step.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void AccumulateOuter<T>(ReadOnlySpan<T> u, ReadOnlySpan<T> w, Span<T> matrix)
        where T : unmanaged, INumber<T>
    {
        int rows = u.Length, cols = w.Length;
        int width = Vector256<T>.Count;
        if (matrix.Length < rows * cols) throw new ArgumentException("matrix smaller than u × w");
        ref T uRef = ref MemoryMarshal.GetReference(u);
        ref T wRef = ref MemoryMarshal.GetReference(w);
        ref T mRef = ref MemoryMarshal.GetReference(matrix);
        int c = 0;
        for (; c + 4 * width <= cols; c += 4 * width)
        {
            var w0 = Vector256.LoadUnsafe(ref wRef, (nuint)c);
            var w1 = Vector256.LoadUnsafe(ref wRef, (nuint)(c + width));
            var w2 = Vector256.LoadUnsafe(ref wRef, (nuint)(c + 2 * width));
            var w3 = Vector256.LoadUnsafe(ref wRef, (nuint)(c + 3 * width));
            for (int r = 0; r < rows; r++)
            {
                T ur = Unsafe.Add(ref uRef, r);
                if (ur == T.Zero) continue;
                var x = Vector256.Create(ur);
                ref T row = ref Unsafe.Add(ref mRef, r * cols + c);
                Simd.Fma(x, w0, Vector256.LoadUnsafe(ref row)).StoreUnsafe(ref row);
                Simd.Fma(x, w1, Vector256.LoadUnsafe(ref row, (nuint)width)).StoreUnsafe(ref row, (nuint)width);
                Simd.Fma(x, w2, Vector256.LoadUnsafe(ref row, (nuint)(2 * width))).StoreUnsafe(ref row, (nuint)(2 * width));
                Simd.Fma(x, w3, Vector256.LoadUnsafe(ref row, (nuint)(3 * width))).StoreUnsafe(ref row, (nuint)(3 * width));
            }
        }
        for (; c + width <= cols; c += width)
        {
            var wv = Vector256.LoadUnsafe(ref wRef, (nuint)c);
            for (int r = 0; r < rows; r++)
            {
                ref T cell = ref Unsafe.Add(ref mRef, r * cols + c);
                Simd.Fma(Vector256.Create(Unsafe.Add(ref uRef, r)), wv, Vector256.LoadUnsafe(ref cell)).StoreUnsafe(ref cell);
            }
        }
        for (; c < cols; c++)
        {
            T wc = Unsafe.Add(ref wRef, c);
            for (int r = 0; r < rows; r++) Unsafe.Add(ref mRef, r * cols + c) += Unsafe.Add(ref uRef, r) * wc;
        }
    }

    /// <summary>Writes the transpose of a rows × cols row-major matrix into dest (cols × rows).</summary>
    public static void Transpose<T>(ReadOnlySpan<T> source, int rows, int cols, Span<T> dest)
    {
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++)
                dest[c * rows + r] = source[r * cols + c];
    }
}
