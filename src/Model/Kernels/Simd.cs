using System.Numerics;
using System.Runtime.CompilerServices;

namespace RnnStream.Model.Kernels;

internal static class Simd
{
    /// <summary>
    /// x·y + addend, fused (one rounding) for float and double. Fused on every machine, so a result
    /// does not depend on which node computed it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> Fma<T>(Vector<T> x, Vector<T> y, Vector<T> addend) where T : unmanaged, INumber<T>
    {
        if (typeof(T) == typeof(float))
            return Vector.FusedMultiplyAdd(x.As<T, float>(), y.As<T, float>(), addend.As<T, float>()).As<float, T>();
        if (typeof(T) == typeof(double))
            return Vector.FusedMultiplyAdd(x.As<T, double>(), y.As<T, double>(), addend.As<T, double>()).As<double, T>();
        return x * y + addend;
    }
}
