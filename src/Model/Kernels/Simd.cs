using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace RnnStream.Model.Kernels;

/// <summary>
/// The vector primitives every kernel is built from, at one fixed width: 256 bits, whatever the
/// machine offers. A key group resumed on another node, or a replay rerun on another machine, must
/// forecast to the bit what the first one did, and a float sum's rounding depends on how it is
/// split into lanes. So no reduction follows <c>Vector&lt;T&gt;.Count</c> or a 512-bit path, and every
/// reduction adds its lanes in one written-down order. Where 256-bit vectors are not accelerated
/// .NET emulates them lane by lane, with the same results, only slower. What is computed lane by
/// lane with nothing crossing lanes (a product whose every output is its own chain of fused
/// multiply-adds, a gate's activation) may take 512 bits where they are accelerated
/// (<see cref="WideBatchKernels"/>, <see cref="GateMath"/>): the width cannot change a lane's bits.
/// </summary>
internal static class Simd
{
    /// <summary>
    /// x·y + addend, fused (one rounding) for float and double. Fused on every machine, so a result
    /// does not depend on which node computed it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Fma<T>(Vector256<T> x, Vector256<T> y, Vector256<T> addend) where T : unmanaged, INumber<T>
    {
        if (typeof(T) == typeof(float))
            return Vector256.FusedMultiplyAdd(x.As<T, float>(), y.As<T, float>(), addend.As<T, float>()).As<float, T>();
        if (typeof(T) == typeof(double))
            return Vector256.FusedMultiplyAdd(x.As<T, double>(), y.As<T, double>(), addend.As<T, double>()).As<double, T>();
        return x * y + addend;
    }

    /// <summary>
    /// Σ x[i]·y[i] in a fixed order: two 256-bit accumulators of fused products, added to each
    /// other, their lanes summed first to last, then the elements past the last whole vector.
    /// Unlike <c>TensorPrimitives.Dot</c>, whose split follows the widest vectors the CPU has.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static T Dot<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y) where T : unmanaged, INumber<T>
    {
        if (y.Length < x.Length) throw new ArgumentException("y shorter than x");
        int n = x.Length, width = Vector256<T>.Count;
        ref T xRef = ref MemoryMarshal.GetReference(x);
        ref T yRef = ref MemoryMarshal.GetReference(y);
        var s0 = Vector256<T>.Zero;
        var s1 = Vector256<T>.Zero;
        int i = 0;
        for (; i + 2 * width <= n; i += 2 * width)
        {
            s0 = Fma(Vector256.LoadUnsafe(ref xRef, (nuint)i), Vector256.LoadUnsafe(ref yRef, (nuint)i), s0);
            s1 = Fma(Vector256.LoadUnsafe(ref xRef, (nuint)(i + width)), Vector256.LoadUnsafe(ref yRef, (nuint)(i + width)), s1);
        }
        for (; i + width <= n; i += width)
            s0 = Fma(Vector256.LoadUnsafe(ref xRef, (nuint)i), Vector256.LoadUnsafe(ref yRef, (nuint)i), s0);
        var lanes = s0 + s1;
        T sum = T.Zero;
        for (int lane = 0; lane < width; lane++) sum += lanes.GetElement(lane);
        for (; i < n; i++) sum += Unsafe.Add(ref xRef, i) * Unsafe.Add(ref yRef, i);
        return sum;
    }
}
