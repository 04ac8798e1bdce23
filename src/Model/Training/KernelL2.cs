using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using RnnStream.Model.Weights;

namespace RnnStream.Model.Training;

/// <summary>L2 regularization of the kernels (not the biases): ½·λ·Σ w² and its gradient λ·w.</summary>
internal static class KernelL2
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double Penalty<T>(WeightLayout layout, ReadOnlySpan<T> parameters, double lambda) where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        if (lambda == 0) return 0;
        double sum = 0;
        foreach (var slot in layout.Slots)
        {
            if (!slot.IsKernel) continue;
            foreach (var w in parameters.Slice(slot.Offset, slot.Length)) sum += double.CreateChecked(w * w);
        }
        return 0.5 * lambda * sum;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void AddGradient<T>(WeightLayout layout, ReadOnlySpan<T> parameters, double lambda, Span<T> gradients) where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        if (lambda == 0) return;
        var scale = T.CreateChecked(lambda);
        foreach (var slot in layout.Slots)
        {
            if (!slot.IsKernel) continue;
            var g = gradients.Slice(slot.Offset, slot.Length);
            TensorPrimitives.FusedMultiplyAdd(parameters.Slice(slot.Offset, slot.Length), scale, g, g);
        }
    }
}
