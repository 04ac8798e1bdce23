using System.Numerics;
using System.Runtime.CompilerServices;
using RnnStream.Model.Specs;

namespace RnnStream.Model.Training;

/// <summary>
/// The loss at the head and its gradient: squared error for a point head, the Gaussian negative
/// log-likelihood (mean and variance) for a Gaussian one; a NaN target is not scored. The gradient
/// is of the mean over the scored outputs.
/// </summary>
internal static class HeadLoss
{
    /// <param name="targets">rows × K targets.</param>
    /// <param name="outputs">rows × head width outputs.</param>
    /// <param name="gradients">Receives dLoss/dOutput, rows × head width.</param>
    /// <returns>The summed loss and how many outputs were scored.</returns>
    /// <param name="scoredOverall">Outputs scored across the whole batch when these rows are one part of it (the gradient is of the batch's mean); null: these rows are the batch.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static (double Sum, int Scored) Compute<T>(ModelSpec spec, int rows, ReadOnlySpan<T> targets, ReadOnlySpan<T> outputs, Span<T> gradients, int? scoredOverall = null)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        int k = spec.OutputUnits, width = spec.HeadWidth;
        bool gaussian = spec.Head == OutputHead.Gaussian;
        double sum = 0;
        int scored = 0;
        // Indexes, not a slice per row: this runs for every series-step of every batch.
        if (targets.Length < rows * k || outputs.Length < rows * width || gradients.Length < rows * width)
            throw new ArgumentException("a buffer is smaller than its rows");
        for (int row = 0; row < rows; row++)
        {
            int target = row * k, y = row * width;
            for (int j = 0; j < k; j++)
            {
                if (T.IsNaN(targets[target + j])) continue;
                scored++;
                T error = outputs[y + j] - targets[target + j];
                if (gaussian)
                {
                    T variance = GaussianHead.Variance(outputs[y + k + j]);
                    sum += 0.5 * (double.Log(double.CreateChecked(variance)) + double.CreateChecked(error * error / variance) + Math.Log(2 * Math.PI));
                }
                else sum += double.CreateChecked(error * error);
            }
        }
        int meanOver = scoredOverall ?? scored;
        T inverseCount = meanOver > 0 ? T.One / T.CreateChecked(meanOver) : T.Zero;
        T two = T.CreateChecked(2), half = T.CreateChecked(0.5);
        gradients[..(rows * width)].Clear();
        for (int row = 0; row < rows; row++)
        {
            int target = row * k, y = row * width;
            for (int j = 0; j < k; j++)
            {
                if (T.IsNaN(targets[target + j])) continue;
                T error = outputs[y + j] - targets[target + j];
                if (gaussian)
                {
                    T raw = outputs[y + k + j];
                    T variance = GaussianHead.Variance(raw);
                    gradients[y + j] = error / variance * inverseCount;
                    T dVariance = half * (T.One / variance - error * error / (variance * variance));
                    gradients[y + k + j] = dVariance * GaussianHead.VarianceSlope(raw) * inverseCount;
                }
                else gradients[y + j] = two * error * inverseCount;
            }
        }
        return (sum, scored);
    }
}
