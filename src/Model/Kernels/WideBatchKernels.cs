using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace RnnStream.Model.Kernels;

/// <summary>
/// The batch products of <see cref="BatchKernels"/> four rows at a time in 512-bit vectors, where the
/// machine has them: on a CPU with a full 512-bit datapath (AMD Zen 5) a fused multiply-add does twice
/// the work, and at the widths this system trains the 256-bit kernels already run at that width's peak.
/// The bits do not change. Unlike a reduction (<see cref="Simd"/>), each output of these products is
/// one lane's own chain of fused multiply-adds in the order of k (or of the batch), so how many lanes a
/// vector has cannot change its rounding; the columns past the last whole 512-bit vector, and the rows
/// past the last four, are left to the 256-bit kernels, which treat them as they always did.
/// </summary>
internal static class WideBatchKernels
{
    /// <summary>How many leading columns of a cols-wide product the wide kernels take: 0 where 512-bit vectors are not accelerated.</summary>
    public static int Columns<T>(int cols) where T : unmanaged =>
        Vector512.IsHardwareAccelerated ? cols - cols % Vector512<T>.Count : 0;

    /// <summary>Columns [0, wide) of acc's four rows += A·Ma + B·Mb (see <see cref="BatchKernels.AccumulateProduct"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void QuadProduct<T>(
        ReadOnlySpan<T> a, ReadOnlySpan<T> matrixA, int na,
        ReadOnlySpan<T> b, ReadOnlySpan<T> matrixB, int nb,
        Span<T> acc, int cols, int wide)
        where T : unmanaged, INumber<T>
    {
        ref T accRef = ref MemoryMarshal.GetReference(acc);
        ref T aRef = ref MemoryMarshal.GetReference(a);
        ref T bRef = ref MemoryMarshal.GetReference(b);
        ref T maRef = ref MemoryMarshal.GetReference(matrixA);
        ref T mbRef = ref MemoryMarshal.GetReference(matrixB);
        int width = Vector512<T>.Count;
        int c = 0;
        for (; c + 2 * width <= wide; c += 2 * width)
        {
            var block = new Block<T>(ref accRef, cols, c, width);
            block.Accumulate(ref aRef, na, ref maRef, cols, c, width);
            block.Accumulate(ref bRef, nb, ref mbRef, cols, c, width);
            block.Store(ref accRef, cols, c, width);
        }
        for (; c < wide; c += width)
        {
            var p0 = Vector512.LoadUnsafe(ref accRef, (nuint)c);
            var p1 = Vector512.LoadUnsafe(ref accRef, (nuint)(cols + c));
            var p2 = Vector512.LoadUnsafe(ref accRef, (nuint)(2 * cols + c));
            var p3 = Vector512.LoadUnsafe(ref accRef, (nuint)(3 * cols + c));
            for (int k = 0; k < na; k++)
            {
                var w = Vector512.LoadUnsafe(ref maRef, (nuint)(k * cols + c));
                p0 = Fma(Vector512.Create(Unsafe.Add(ref aRef, k)), w, p0);
                p1 = Fma(Vector512.Create(Unsafe.Add(ref aRef, na + k)), w, p1);
                p2 = Fma(Vector512.Create(Unsafe.Add(ref aRef, 2 * na + k)), w, p2);
                p3 = Fma(Vector512.Create(Unsafe.Add(ref aRef, 3 * na + k)), w, p3);
            }
            for (int k = 0; k < nb; k++)
            {
                var w = Vector512.LoadUnsafe(ref mbRef, (nuint)(k * cols + c));
                p0 = Fma(Vector512.Create(Unsafe.Add(ref bRef, k)), w, p0);
                p1 = Fma(Vector512.Create(Unsafe.Add(ref bRef, nb + k)), w, p1);
                p2 = Fma(Vector512.Create(Unsafe.Add(ref bRef, 2 * nb + k)), w, p2);
                p3 = Fma(Vector512.Create(Unsafe.Add(ref bRef, 3 * nb + k)), w, p3);
            }
            p0.StoreUnsafe(ref accRef, (nuint)c);
            p1.StoreUnsafe(ref accRef, (nuint)(cols + c));
            p2.StoreUnsafe(ref accRef, (nuint)(2 * cols + c));
            p3.StoreUnsafe(ref accRef, (nuint)(3 * cols + c));
        }
    }

    /// <summary>Columns [0, wide) of rows r to r + 3 of M += Aᵀ·B over the batch (see <see cref="BatchKernels.AccumulateTransposedProduct"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void QuadTransposedProduct<T>(int n, ref T aRef, int rows, int r, ref T bRef, int cols, ref T mRef, int wide)
        where T : unmanaged, INumber<T>
    {
        ref T m0 = ref Unsafe.Add(ref mRef, r * cols);
        ref T column = ref Unsafe.Add(ref aRef, r);
        int width = Vector512<T>.Count;
        int c = 0;
        for (; c + 2 * width <= wide; c += 2 * width)
        {
            var block = new Block<T>(ref m0, cols, c, width);
            block.AccumulateTransposed(n, ref column, rows, ref bRef, cols, c, width);
            block.Store(ref m0, cols, c, width);
        }
        for (; c < wide; c += width)
        {
            var p0 = Vector512.LoadUnsafe(ref m0, (nuint)c);
            var p1 = Vector512.LoadUnsafe(ref m0, (nuint)(cols + c));
            var p2 = Vector512.LoadUnsafe(ref m0, (nuint)(2 * cols + c));
            var p3 = Vector512.LoadUnsafe(ref m0, (nuint)(3 * cols + c));
            for (int i = 0; i < n; i++)
            {
                var w = Vector512.LoadUnsafe(ref bRef, (nuint)(i * cols + c));
                ref T at = ref Unsafe.Add(ref column, i * rows);
                p0 = Fma(Vector512.Create(at), w, p0);
                p1 = Fma(Vector512.Create(Unsafe.Add(ref at, 1)), w, p1);
                p2 = Fma(Vector512.Create(Unsafe.Add(ref at, 2)), w, p2);
                p3 = Fma(Vector512.Create(Unsafe.Add(ref at, 3)), w, p3);
            }
            p0.StoreUnsafe(ref m0, (nuint)c);
            p1.StoreUnsafe(ref m0, (nuint)(cols + c));
            p2.StoreUnsafe(ref m0, (nuint)(2 * cols + c));
            p3.StoreUnsafe(ref m0, (nuint)(3 * cols + c));
        }
    }

    /// <summary>x·y + addend, fused, as <see cref="Simd.Fma{T}"/> is at 256 bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<T> Fma<T>(Vector512<T> x, Vector512<T> y, Vector512<T> addend) where T : unmanaged, INumber<T>
    {
        if (typeof(T) == typeof(float))
            return Vector512.FusedMultiplyAdd(x.As<T, float>(), y.As<T, float>(), addend.As<T, float>()).As<float, T>();
        if (typeof(T) == typeof(double))
            return Vector512.FusedMultiplyAdd(x.As<T, double>(), y.As<T, double>(), addend.As<T, double>()).As<double, T>();
        return x * y + addend;
    }

    /// <summary>
    /// Four rows × two vectors of accumulators: eight independent chains, enough to keep both FMA
    /// pipes busy through their latency, with each weight load shared by four rows.
    /// </summary>
    private struct Block<T> where T : unmanaged, INumber<T>
    {
        private Vector512<T> _p0, _p1, _q0, _q1, _u0, _u1, _v0, _v1;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Block(ref T rows, int cols, int c, int width)
        {
            _p0 = Vector512.LoadUnsafe(ref rows, (nuint)c);
            _p1 = Vector512.LoadUnsafe(ref rows, (nuint)(c + width));
            _q0 = Vector512.LoadUnsafe(ref rows, (nuint)(cols + c));
            _q1 = Vector512.LoadUnsafe(ref rows, (nuint)(cols + c + width));
            _u0 = Vector512.LoadUnsafe(ref rows, (nuint)(2 * cols + c));
            _u1 = Vector512.LoadUnsafe(ref rows, (nuint)(2 * cols + c + width));
            _v0 = Vector512.LoadUnsafe(ref rows, (nuint)(3 * cols + c));
            _v1 = Vector512.LoadUnsafe(ref rows, (nuint)(3 * cols + c + width));
        }

        /// <summary>Each row += its inputs (rows of <paramref name="count"/>, one after another) times the matrix's rows.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Accumulate(ref T inputs, int count, ref T matrix, int cols, int c, int width)
        {
            for (int k = 0; k < count; k++)
            {
                ref T row = ref Unsafe.Add(ref matrix, k * cols + c);
                var w0 = Vector512.LoadUnsafe(ref row);
                var w1 = Vector512.LoadUnsafe(ref row, (nuint)width);
                var x = Vector512.Create(Unsafe.Add(ref inputs, k));
                _p0 = Fma(x, w0, _p0); _p1 = Fma(x, w1, _p1);
                var y = Vector512.Create(Unsafe.Add(ref inputs, count + k));
                _q0 = Fma(y, w0, _q0); _q1 = Fma(y, w1, _q1);
                var u = Vector512.Create(Unsafe.Add(ref inputs, 2 * count + k));
                _u0 = Fma(u, w0, _u0); _u1 = Fma(u, w1, _u1);
                var v = Vector512.Create(Unsafe.Add(ref inputs, 3 * count + k));
                _v0 = Fma(v, w0, _v0); _v1 = Fma(v, w1, _v1);
            }
        }

        /// <summary>Each row r + j += Σᵢ A[i, r + j]·B[i, ·]: A's four columns from <paramref name="column"/>, a row of A every <paramref name="stride"/>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void AccumulateTransposed(int n, ref T column, int stride, ref T b, int cols, int c, int width)
        {
            for (int i = 0; i < n; i++)
            {
                ref T row = ref Unsafe.Add(ref b, i * cols + c);
                var w0 = Vector512.LoadUnsafe(ref row);
                var w1 = Vector512.LoadUnsafe(ref row, (nuint)width);
                ref T at = ref Unsafe.Add(ref column, i * stride);
                var x = Vector512.Create(at);
                _p0 = Fma(x, w0, _p0); _p1 = Fma(x, w1, _p1);
                var y = Vector512.Create(Unsafe.Add(ref at, 1));
                _q0 = Fma(y, w0, _q0); _q1 = Fma(y, w1, _q1);
                var u = Vector512.Create(Unsafe.Add(ref at, 2));
                _u0 = Fma(u, w0, _u0); _u1 = Fma(u, w1, _u1);
                var v = Vector512.Create(Unsafe.Add(ref at, 3));
                _v0 = Fma(v, w0, _v0); _v1 = Fma(v, w1, _v1);
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public readonly void Store(ref T rows, int cols, int c, int width)
        {
            _p0.StoreUnsafe(ref rows, (nuint)c);
            _p1.StoreUnsafe(ref rows, (nuint)(c + width));
            _q0.StoreUnsafe(ref rows, (nuint)(cols + c));
            _q1.StoreUnsafe(ref rows, (nuint)(cols + c + width));
            _u0.StoreUnsafe(ref rows, (nuint)(2 * cols + c));
            _u1.StoreUnsafe(ref rows, (nuint)(2 * cols + c + width));
            _v0.StoreUnsafe(ref rows, (nuint)(3 * cols + c));
            _v1.StoreUnsafe(ref rows, (nuint)(3 * cols + c + width));
        }
    }
}
