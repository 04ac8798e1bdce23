using RnnStream.Model.Training;

namespace RnnStream.Model.Tests;

/// <summary>
/// Cuts training windows out of whole series for the model's tests: the input at step t, the target
/// <c>horizon</c> steps later, taken from chosen features of the same series. (The live system cuts
/// its windows from each series' ring buffer, in the series forecaster.)
/// </summary>
internal static class WindowSampler
{
    /// <param name="series">Each series as steps × D values (row-major).</param>
    /// <param name="targetFeatures">Which input features are predicted (K of them).</param>
    /// <param name="starts">(series index, first step) of each window.</param>
    public static TrainingBatch Build(
        IReadOnlyList<float[]> series, int inputFeatures, IReadOnlyList<int> targetFeatures,
        int horizon, int windowLength, IReadOnlyList<(int Series, int Start)> starts)
    {
        int k = targetFeatures.Count;
        var inputs = new float[starts.Count * windowLength * inputFeatures];
        var targets = new float[starts.Count * windowLength * k];
        for (int w = 0; w < starts.Count; w++)
        {
            var (s, start) = starts[w];
            var values = series[s];
            int length = values.Length / inputFeatures;
            if (start < 0 || start + windowLength > length)
                throw new ArgumentOutOfRangeException(nameof(starts), $"window {w} ({start}..{start + windowLength}) does not fit series {s} of {length} steps");
            Array.Copy(values, start * inputFeatures, inputs, w * windowLength * inputFeatures, windowLength * inputFeatures);
            for (int t = 0; t < windowLength; t++)
            {
                int future = start + t + horizon;
                for (int j = 0; j < k; j++)
                    targets[(w * windowLength + t) * k + j] = future < length ? values[future * inputFeatures + targetFeatures[j]] : float.NaN;
            }
        }
        return new TrainingBatch(starts.Count, windowLength, inputFeatures, k, inputs, targets);
    }

    /// <summary>Windows drawn uniformly at random (reproducibly from <paramref name="random"/>) across series and positions.</summary>
    public static TrainingBatch Sample(
        IReadOnlyList<float[]> series, int inputFeatures, IReadOnlyList<int> targetFeatures,
        int horizon, int windowLength, int batchSize, Random random)
    {
        var starts = new (int, int)[batchSize];
        for (int i = 0; i < batchSize; i++)
        {
            int s = random.Next(series.Count);
            int length = series[s].Length / inputFeatures;
            int last = length - windowLength - horizon;
            if (last < 0) throw new ArgumentException($"series {s} has {length} steps, fewer than window {windowLength} + horizon {horizon}");
            starts[i] = (s, random.Next(last + 1));
        }
        return Build(series, inputFeatures, targetFeatures, horizon, windowLength, starts);
    }
}
