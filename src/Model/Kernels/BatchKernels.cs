using System.Numerics;
using System.Runtime.Intrinsics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace RnnStream.Model.Kernels;

/// <summary>
/// The row kernels applied to a whole batch of series at one time step. Two series share every
/// weight load and give the FMA units eight independent chains instead of four, which is what
/// keeps them busy at the small widths (H = 16..64) this system runs. Where 512-bit vectors are
/// accelerated, four series at a time go to <see cref="WideBatchKernels"/> first, with the same bits.
/// </summary>
internal static class BatchKernels
{
    /// <summary>Every row of dest (rows × bias.Length) set to bias.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void FillRows<T>(int rows, ReadOnlySpan<T> bias, Span<T> dest)
    {
        int cols = bias.Length;
        for (int r = 0; r < rows; r++) bias.CopyTo(dest.Slice(r * cols, cols));
    }

    /// <summary>acc (rows × cols) += A·Ma + B·Mb, where A is rows × na, B rows × nb, Ma na × cols, Mb nb × cols.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void AccumulateProduct<T>(int rows,
        ReadOnlySpan<T> a, ReadOnlySpan<T> matrixA, int na,
        ReadOnlySpan<T> b, ReadOnlySpan<T> matrixB, int nb,
        Span<T> acc, int cols)
        where T : unmanaged, INumber<T>
    {
        if (a.Length < rows * na || b.Length < rows * nb || acc.Length < rows * cols || matrixA.Length < na * cols || matrixB.Length < nb * cols)
            throw new ArgumentException("a buffer is smaller than its shape");
        int r = 0;
        int wide = WideBatchKernels.Columns<T>(cols);
        if (wide > 0)
            for (; r + 4 <= rows; r += 4)
            {
                WideBatchKernels.QuadProduct(a.Slice(r * na, 4 * na), matrixA, na, nb == 0 ? default : b.Slice(r * nb, 4 * nb), matrixB, nb, acc.Slice(r * cols, 4 * cols), cols, wide);
                if (wide == cols) continue;
                PairProduct(a.Slice(r * na, 2 * na), matrixA, na, nb == 0 ? default : b.Slice(r * nb, 2 * nb), matrixB, nb, acc.Slice(r * cols, 2 * cols), cols, wide);
                PairProduct(a.Slice((r + 2) * na, 2 * na), matrixA, na, nb == 0 ? default : b.Slice((r + 2) * nb, 2 * nb), matrixB, nb, acc.Slice((r + 2) * cols, 2 * cols), cols, wide);
            }
        for (; r + 2 <= rows; r += 2)
        {
            PairProduct(a.Slice(r * na, 2 * na), matrixA, na, nb == 0 ? default : b.Slice(r * nb, 2 * nb), matrixB, nb, acc.Slice(r * cols, 2 * cols), cols, 0);
        }
        if (r < rows)
        {
            RowKernels.AccumulateProduct(a.Slice(r * na, na), matrixA[..(na * cols)], nb == 0 ? default : b.Slice(r * nb, nb), matrixB[..(nb * cols)], acc.Slice(r * cols, cols));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PairProduct<T>(
        ReadOnlySpan<T> a, ReadOnlySpan<T> matrixA, int na,
        ReadOnlySpan<T> b, ReadOnlySpan<T> matrixB, int nb,
        Span<T> acc, int cols, int firstColumn)
        where T : unmanaged, INumber<T>
    {
        int width = Vector256<T>.Count;
        ref T accRef = ref MemoryMarshal.GetReference(acc);
        ref T aRef = ref MemoryMarshal.GetReference(a);
        ref T bRef = ref MemoryMarshal.GetReference(b);
        ref T maRef = ref MemoryMarshal.GetReference(matrixA);
        ref T mbRef = ref MemoryMarshal.GetReference(matrixB);
        ref T acc1Ref = ref Unsafe.Add(ref accRef, cols);

        int c = firstColumn;
        for (; c + 4 * width <= cols; c += 4 * width)
        {
            var p0 = Vector256.LoadUnsafe(ref accRef, (nuint)c);
            var p1 = Vector256.LoadUnsafe(ref accRef, (nuint)(c + width));
            var p2 = Vector256.LoadUnsafe(ref accRef, (nuint)(c + 2 * width));
            var p3 = Vector256.LoadUnsafe(ref accRef, (nuint)(c + 3 * width));
            var q0 = Vector256.LoadUnsafe(ref acc1Ref, (nuint)c);
            var q1 = Vector256.LoadUnsafe(ref acc1Ref, (nuint)(c + width));
            var q2 = Vector256.LoadUnsafe(ref acc1Ref, (nuint)(c + 2 * width));
            var q3 = Vector256.LoadUnsafe(ref acc1Ref, (nuint)(c + 3 * width));
            for (int k = 0; k < na; k++)
            {
                var x = Vector256.Create(Unsafe.Add(ref aRef, k));
                var y = Vector256.Create(Unsafe.Add(ref aRef, na + k));
                ref T row = ref Unsafe.Add(ref maRef, k * cols + c);
                var w0 = Vector256.LoadUnsafe(ref row);
                var w1 = Vector256.LoadUnsafe(ref row, (nuint)width);
                var w2 = Vector256.LoadUnsafe(ref row, (nuint)(2 * width));
                var w3 = Vector256.LoadUnsafe(ref row, (nuint)(3 * width));
                p0 = Simd.Fma(x, w0, p0); q0 = Simd.Fma(y, w0, q0);
                p1 = Simd.Fma(x, w1, p1); q1 = Simd.Fma(y, w1, q1);
                p2 = Simd.Fma(x, w2, p2); q2 = Simd.Fma(y, w2, q2);
                p3 = Simd.Fma(x, w3, p3); q3 = Simd.Fma(y, w3, q3);
            }
            for (int k = 0; k < nb; k++)
            {
                var x = Vector256.Create(Unsafe.Add(ref bRef, k));
                var y = Vector256.Create(Unsafe.Add(ref bRef, nb + k));
                ref T row = ref Unsafe.Add(ref mbRef, k * cols + c);
                var w0 = Vector256.LoadUnsafe(ref row);
                var w1 = Vector256.LoadUnsafe(ref row, (nuint)width);
                var w2 = Vector256.LoadUnsafe(ref row, (nuint)(2 * width));
                var w3 = Vector256.LoadUnsafe(ref row, (nuint)(3 * width));
                p0 = Simd.Fma(x, w0, p0); q0 = Simd.Fma(y, w0, q0);
                p1 = Simd.Fma(x, w1, p1); q1 = Simd.Fma(y, w1, q1);
                p2 = Simd.Fma(x, w2, p2); q2 = Simd.Fma(y, w2, q2);
                p3 = Simd.Fma(x, w3, p3); q3 = Simd.Fma(y, w3, q3);
            }
            p0.StoreUnsafe(ref accRef, (nuint)c);
            p1.StoreUnsafe(ref accRef, (nuint)(c + width));
            p2.StoreUnsafe(ref accRef, (nuint)(c + 2 * width));
            p3.StoreUnsafe(ref accRef, (nuint)(c + 3 * width));
            q0.StoreUnsafe(ref acc1Ref, (nuint)c);
            q1.StoreUnsafe(ref acc1Ref, (nuint)(c + width));
            q2.StoreUnsafe(ref acc1Ref, (nuint)(c + 2 * width));
            q3.StoreUnsafe(ref acc1Ref, (nuint)(c + 3 * width));
        }
        for (; c + width <= cols; c += width)
        {
            var p = Vector256.LoadUnsafe(ref accRef, (nuint)c);
            var q = Vector256.LoadUnsafe(ref acc1Ref, (nuint)c);
            for (int k = 0; k < na; k++)
            {
                var w = Vector256.LoadUnsafe(ref maRef, (nuint)(k * cols + c));
                p = Simd.Fma(Vector256.Create(Unsafe.Add(ref aRef, k)), w, p);
                q = Simd.Fma(Vector256.Create(Unsafe.Add(ref aRef, na + k)), w, q);
            }
            for (int k = 0; k < nb; k++)
            {
                var w = Vector256.LoadUnsafe(ref mbRef, (nuint)(k * cols + c));
                p = Simd.Fma(Vector256.Create(Unsafe.Add(ref bRef, k)), w, p);
                q = Simd.Fma(Vector256.Create(Unsafe.Add(ref bRef, nb + k)), w, q);
            }
            p.StoreUnsafe(ref accRef, (nuint)c);
            q.StoreUnsafe(ref acc1Ref, (nuint)c);
        }
        for (; c < cols; c++)
        {
            T p = Unsafe.Add(ref accRef, c), q = Unsafe.Add(ref acc1Ref, c);
            for (int k = 0; k < na; k++)
            {
                T w = Unsafe.Add(ref maRef, k * cols + c);
                p += Unsafe.Add(ref aRef, k) * w;
                q += Unsafe.Add(ref aRef, na + k) * w;
            }
            for (int k = 0; k < nb; k++)
            {
                T w = Unsafe.Add(ref mbRef, k * cols + c);
                p += Unsafe.Add(ref bRef, k) * w;
                q += Unsafe.Add(ref bRef, nb + k) * w;
            }
            Unsafe.Add(ref accRef, c) = p;
            Unsafe.Add(ref acc1Ref, c) = q;
        }
    }

    /// <summary>
    /// M (rows × cols) += Aᵀ·B with A n × rows and B n × cols: the weight gradient of one time step,
    /// summed over the batch. Two rows of M (four, at 512 bits) stay in registers while the batch streams past.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void AccumulateTransposedProduct<T>(int n, ReadOnlySpan<T> a, int rows, ReadOnlySpan<T> b, int cols, Span<T> matrix)
        where T : unmanaged, INumber<T>
    {
        if (a.Length < n * rows || b.Length < n * cols || matrix.Length < rows * cols)
            throw new ArgumentException("a buffer is smaller than its shape");
        ref T aRef = ref MemoryMarshal.GetReference(a);
        ref T bRef = ref MemoryMarshal.GetReference(b);
        ref T mRef = ref MemoryMarshal.GetReference(matrix);
        if (cols == 1)
        {
            // A one-output head's gradient: M is then a row, and M[r] += Σᵢ B[i]·A[i, r] row by row of A is the
            // same multiply-then-add in the order of i that the scalar columns below do, eight rows a lane.
            AccumulateTransposedRow(n, ref bRef, 1, ref aRef, rows, ref mRef);
            return;
        }
        int r = 0;
        int wide = WideBatchKernels.Columns<T>(cols);
        if (wide > 0)
            for (; r + 4 <= rows; r += 4)
            {
                WideBatchKernels.QuadTransposedProduct(n, ref aRef, rows, r, ref bRef, cols, ref mRef, wide);
                if (wide == cols) continue;
                PairTransposedProduct(n, ref aRef, rows, r, ref bRef, cols, ref mRef, wide);
                PairTransposedProduct(n, ref aRef, rows, r + 2, ref bRef, cols, ref mRef, wide);
            }
        for (; r + 2 <= rows; r += 2) PairTransposedProduct(n, ref aRef, rows, r, ref bRef, cols, ref mRef, 0);
        for (; r < rows; r++) AccumulateTransposedRow(n, ref Unsafe.Add(ref aRef, r), rows, ref bRef, cols, ref Unsafe.Add(ref mRef, r * cols));
    }

    /// <summary>Rows r and r + 1 of M, from column <paramref name="firstColumn"/> on: += Aᵀ·B over the batch, fused, in the order of the batch.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PairTransposedProduct<T>(int n, ref T aRef, int rows, int r, ref T bRef, int cols, ref T mRef, int firstColumn)
        where T : unmanaged, INumber<T>
    {
        int width = Vector256<T>.Count;
        ref T m0 = ref Unsafe.Add(ref mRef, r * cols);
        ref T m1 = ref Unsafe.Add(ref mRef, (r + 1) * cols);
        int c = firstColumn;
        for (; c + 4 * width <= cols; c += 4 * width)
        {
            var p0 = Vector256.LoadUnsafe(ref m0, (nuint)c);
            var p1 = Vector256.LoadUnsafe(ref m0, (nuint)(c + width));
            var p2 = Vector256.LoadUnsafe(ref m0, (nuint)(c + 2 * width));
            var p3 = Vector256.LoadUnsafe(ref m0, (nuint)(c + 3 * width));
            var q0 = Vector256.LoadUnsafe(ref m1, (nuint)c);
            var q1 = Vector256.LoadUnsafe(ref m1, (nuint)(c + width));
            var q2 = Vector256.LoadUnsafe(ref m1, (nuint)(c + 2 * width));
            var q3 = Vector256.LoadUnsafe(ref m1, (nuint)(c + 3 * width));
            for (int i = 0; i < n; i++)
            {
                var x = Vector256.Create(Unsafe.Add(ref aRef, i * rows + r));
                var y = Vector256.Create(Unsafe.Add(ref aRef, i * rows + r + 1));
                ref T row = ref Unsafe.Add(ref bRef, i * cols + c);
                var w0 = Vector256.LoadUnsafe(ref row);
                var w1 = Vector256.LoadUnsafe(ref row, (nuint)width);
                var w2 = Vector256.LoadUnsafe(ref row, (nuint)(2 * width));
                var w3 = Vector256.LoadUnsafe(ref row, (nuint)(3 * width));
                p0 = Simd.Fma(x, w0, p0); q0 = Simd.Fma(y, w0, q0);
                p1 = Simd.Fma(x, w1, p1); q1 = Simd.Fma(y, w1, q1);
                p2 = Simd.Fma(x, w2, p2); q2 = Simd.Fma(y, w2, q2);
                p3 = Simd.Fma(x, w3, p3); q3 = Simd.Fma(y, w3, q3);
            }
            p0.StoreUnsafe(ref m0, (nuint)c);
            p1.StoreUnsafe(ref m0, (nuint)(c + width));
            p2.StoreUnsafe(ref m0, (nuint)(c + 2 * width));
            p3.StoreUnsafe(ref m0, (nuint)(c + 3 * width));
            q0.StoreUnsafe(ref m1, (nuint)c);
            q1.StoreUnsafe(ref m1, (nuint)(c + width));
            q2.StoreUnsafe(ref m1, (nuint)(c + 2 * width));
            q3.StoreUnsafe(ref m1, (nuint)(c + 3 * width));
        }
        for (; c + width <= cols; c += width)
        {
            var p = Vector256.LoadUnsafe(ref m0, (nuint)c);
            var q = Vector256.LoadUnsafe(ref m1, (nuint)c);
            for (int i = 0; i < n; i++)
            {
                var w = Vector256.LoadUnsafe(ref bRef, (nuint)(i * cols + c));
                p = Simd.Fma(Vector256.Create(Unsafe.Add(ref aRef, i * rows + r)), w, p);
                q = Simd.Fma(Vector256.Create(Unsafe.Add(ref aRef, i * rows + r + 1)), w, q);
            }
            p.StoreUnsafe(ref m0, (nuint)c);
            q.StoreUnsafe(ref m1, (nuint)c);
        }
        for (; c < cols; c++)
        {
            T p = Unsafe.Add(ref m0, c), q = Unsafe.Add(ref m1, c);
            for (int i = 0; i < n; i++)
            {
                T w = Unsafe.Add(ref bRef, i * cols + c);
                p += Unsafe.Add(ref aRef, i * rows + r) * w;
                q += Unsafe.Add(ref aRef, i * rows + r + 1) * w;
            }
            Unsafe.Add(ref m0, c) = p;
            Unsafe.Add(ref m1, c) = q;
        }
    }

    /// <summary>
    /// The row of M that has no partner (the only one when A has one column, as a network of one input feature
    /// has): M[r, ·] += Σᵢ A[i, r]·B[i, ·], in registers across the batch, eight columns a lane. Multiply, then
    /// add, in the order of i, as the scalar loop it replaces did, so the sums are the same bits.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AccumulateTransposedRow<T>(int n, ref T column, int stride, ref T bRef, int cols, ref T mRow)
        where T : unmanaged, INumber<T>
    {
        int width = Vector256<T>.Count;
        int c = 0;
        for (; c + 4 * width <= cols; c += 4 * width)
        {
            var p0 = Vector256.LoadUnsafe(ref mRow, (nuint)c);
            var p1 = Vector256.LoadUnsafe(ref mRow, (nuint)(c + width));
            var p2 = Vector256.LoadUnsafe(ref mRow, (nuint)(c + 2 * width));
            var p3 = Vector256.LoadUnsafe(ref mRow, (nuint)(c + 3 * width));
            for (int i = 0; i < n; i++)
            {
                var x = Vector256.Create(Unsafe.Add(ref column, i * stride));
                ref T row = ref Unsafe.Add(ref bRef, i * cols + c);
                p0 += x * Vector256.LoadUnsafe(ref row);
                p1 += x * Vector256.LoadUnsafe(ref row, (nuint)width);
                p2 += x * Vector256.LoadUnsafe(ref row, (nuint)(2 * width));
                p3 += x * Vector256.LoadUnsafe(ref row, (nuint)(3 * width));
            }
            p0.StoreUnsafe(ref mRow, (nuint)c);
            p1.StoreUnsafe(ref mRow, (nuint)(c + width));
            p2.StoreUnsafe(ref mRow, (nuint)(c + 2 * width));
            p3.StoreUnsafe(ref mRow, (nuint)(c + 3 * width));
        }
        for (; c + width <= cols; c += width)
        {
            var p = Vector256.LoadUnsafe(ref mRow, (nuint)c);
            for (int i = 0; i < n; i++)
                p += Vector256.Create(Unsafe.Add(ref column, i * stride)) * Vector256.LoadUnsafe(ref bRef, (nuint)(i * cols + c));
            p.StoreUnsafe(ref mRow, (nuint)c);
        }
        for (; c < cols; c++)
        {
            T p = Unsafe.Add(ref mRow, c);
            for (int i = 0; i < n; i++) p += Unsafe.Add(ref column, i * stride) * Unsafe.Add(ref bRef, i * cols + c);
            Unsafe.Add(ref mRow, c) = p;
        }
    }

    /// <summary>acc += the sum of the n rows of B (n × acc.Length): a bias gradient over the batch.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void AccumulateColumnSums<T>(int n, ReadOnlySpan<T> b, Span<T> acc)
        where T : unmanaged, INumber<T>
    {
        int cols = acc.Length;
        if (b.Length < n * cols) throw new ArgumentException("a buffer is smaller than its shape");
        // The unpaired row's kernel with a column of ones (stride 0): times one is exact, so each column still adds
        // its rows in their order, the bits a row-at-a-time loop gives, with the sums in registers.
        T one = T.One;
        AccumulateTransposedRow(n, ref one, 0, ref MemoryMarshal.GetReference(b), cols, ref MemoryMarshal.GetReference(acc));
    }
}
