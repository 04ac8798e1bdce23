using RnnStream.Model.Inference;
using RnnStream.Model.Training;

namespace RnnStream.Model.Tests;

/// <summary>Test signals and the online scoring every learning test uses.</summary>
internal static class Signals
{
    public static float[] Sine(int length, double period, double phase, double noise = 0, Random? random = null)
    {
        var values = new float[length];
        for (int t = 0; t < length; t++)
            values[t] = (float)(Math.Sin(2 * Math.PI * t / period + phase) + (noise > 0 ? noise * Gaussian(random!) : 0));
        return values;
    }

    /// <summary>x(t) = a1·x(t−1) + a2·x(t−2) + ε, ε ~ N(0, σ²).</summary>
    public static float[] Ar2(int length, double a1, double a2, double sigma, Random random)
    {
        var values = new float[length];
        double previous = 0, beforePrevious = 0;
        for (int t = -200; t < length; t++)
        {
            double x = a1 * previous + a2 * beforePrevious + sigma * Gaussian(random);
            beforePrevious = previous;
            previous = x;
            if (t >= 0) values[t] = (float)x;
        }
        return values;
    }

    public static double Gaussian(Random random)
    {
        double u1 = 1.0 - random.NextDouble(), u2 = random.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }

    /// <summary>
    /// Streams a univariate series through the live step and returns the one-step-ahead RMSE of the
    /// model and of persistence, scored after <paramref name="warmup"/> steps.
    /// </summary>
    public static (double Model, double Persistence) OneStepRmse(InferenceNetwork network, float[] series, int warmup)
    {
        var state = network.CreateState();
        Span<float> output = stackalloc float[network.OutputLength];
        double modelSum = 0, persistenceSum = 0;
        int count = 0;
        for (int t = 0; t + 1 < series.Length; t++)
        {
            network.Step(state, series.AsSpan(t, 1), output);
            if (t < warmup) continue;
            double actual = series[t + 1];
            modelSum += (output[0] - actual) * (output[0] - actual);
            persistenceSum += (series[t] - actual) * (series[t] - actual);
            count++;
        }
        return (Math.Sqrt(modelSum / count), Math.Sqrt(persistenceSum / count));
    }

    public static TrainingReport TrainOnSeries(TbpttTrainer trainer, IReadOnlyList<float[]> series, int window, int batchSize, int batches, int seed)
    {
        var random = new Random(seed);
        TrainingReport last = null!;
        for (int b = 0; b < batches; b++)
        {
            var batch = WindowSampler.Sample(series, 1, [0], 1, window, batchSize, random);
            last = trainer.Train(batch);
            if (last.Rejected) throw new InvalidOperationException(last.RejectionReason);
        }
        return last;
    }
}
