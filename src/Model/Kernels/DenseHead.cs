using System.Numerics;

namespace RnnStream.Model.Kernels;

/// <summary>
/// The linear head, y = b + h·W, computed from Wᵀ (K × H) as one dot product per output: the head
/// is narrow (K is often 1), and a dot product keeps SIMD lanes busy where a sum of K-wide rows
/// would be a scalar chain. Training and the live step both use it, so they agree to the bit; its
/// dot product has a fixed lane order (<see cref="Simd.Dot"/>), so every machine agrees too.
/// </summary>
internal static class DenseHead
{
    public static void Apply<T>(ReadOnlySpan<T> hidden, ReadOnlySpan<T> kernelTransposed, ReadOnlySpan<T> bias, Span<T> output)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int units = hidden.Length;
        for (int k = 0; k < output.Length; k++)
            output[k] = bias[k] + Simd.Dot(hidden, kernelTransposed.Slice(k * units, units));
    }
}
