using RnnStream.Model.Inference;
using RnnStream.Model.Specs;
using RnnStream.Model.Training;
using Xunit;
using Xunit.Abstractions;

namespace RnnStream.Model.Tests.Training;

/// <summary>The trainer learns real signals, scored through the live step as the actors will use it.</summary>
public sealed class LearningTests(ITestOutputHelper output)
{
    [Fact]
    public void A_SimpleRnn_learns_a_sine_wave_far_beyond_persistence()
    {
        var spec = ModelSpec.Single(CellType.SimpleRnn, 1, 16, 1);
        var trainer = new TbpttTrainer(spec, new TrainingOptions { LearningRate = 0.01, WarmupSteps = 4 }, seed: 1);
        var series = Enumerable.Range(0, 8).Select(i => Signals.Sine(400, 20 + i, i)).ToArray();
        Signals.TrainOnSeries(trainer, series, window: 32, batchSize: 32, batches: 400, seed: 2);

        var (model, persistence) = Signals.OneStepRmse(new InferenceNetwork(trainer.Snapshot(1)), Signals.Sine(600, 23.5, 0.3), warmup: 20);
        output.WriteLine($"sine, period 23.5 (unseen): model RMSE {model:F4}, persistence {persistence:F4}, ratio {model / persistence:F3}");
        Assert.True(model < 0.1 * persistence, $"model RMSE {model:F4} is not below a tenth of persistence {persistence:F4}");
    }

    [Fact]
    public void A_GRU_learns_an_AR2_process_to_near_its_noise_floor()
    {
        const double sigma = 0.5;
        var random = new Random(3);
        var series = Enumerable.Range(0, 16).Select(_ => Signals.Ar2(500, 0.9, -0.6, sigma, random)).ToArray();
        var spec = ModelSpec.Single(CellType.Gru, 1, 16, 1);
        var trainer = new TbpttTrainer(spec, new TrainingOptions { LearningRate = 0.005, WarmupSteps = 4 }, seed: 4);
        Signals.TrainOnSeries(trainer, series, window: 32, batchSize: 32, batches: 500, seed: 5);

        var (model, persistence) = Signals.OneStepRmse(new InferenceNetwork(trainer.Snapshot(1)), Signals.Ar2(4000, 0.9, -0.6, sigma, new Random(99)), warmup: 20);
        output.WriteLine($"AR(2) a=(0.9, -0.6), noise sigma {sigma}: model RMSE {model:F4}, persistence {persistence:F4}, optimum {sigma}");
        Assert.True(model < 1.05 * sigma, $"model RMSE {model:F4} is not within 5% of the noise floor {sigma}");
        Assert.True(model < 0.8 * persistence, $"model RMSE {model:F4} is not well below persistence {persistence:F4}");
    }

    [Fact]
    public void A_Gaussian_head_learns_the_noise_variance_of_an_AR2_process()
    {
        const double sigma = 0.5;
        var random = new Random(3);
        var series = Enumerable.Range(0, 16).Select(_ => Signals.Ar2(500, 0.9, -0.6, sigma, random)).ToArray();
        var spec = ModelSpec.Single(CellType.Gru, 1, 16, 1, head: OutputHead.Gaussian);
        var trainer = new TbpttTrainer(spec, new TrainingOptions { LearningRate = 0.005, WarmupSteps = 4 }, seed: 4);
        Signals.TrainOnSeries(trainer, series, window: 32, batchSize: 32, batches: 600, seed: 5);

        var network = new InferenceNetwork(trainer.Snapshot(1));
        var state = network.CreateState();
        var test = Signals.Ar2(4000, 0.9, -0.6, sigma, new Random(99));
        var prediction = new float[2];
        double varianceSum = 0;
        int inside = 0, count = 0;
        for (int t = 0; t + 1 < test.Length; t++)
        {
            network.Step(state, test.AsSpan(t, 1), prediction);
            if (t < 20) continue;
            varianceSum += prediction[1];
            if (Math.Abs(test[t + 1] - prediction[0]) <= 1.96 * Math.Sqrt(prediction[1])) inside++;
            count++;
        }
        double meanVariance = varianceSum / count, coverage = (double)inside / count;
        output.WriteLine($"Gaussian head on AR(2): mean predicted variance {meanVariance:F4} (true {sigma * sigma}), 95% interval coverage {coverage:P1}");
        Assert.InRange(meanVariance, 0.8 * sigma * sigma, 1.2 * sigma * sigma);
        Assert.InRange(coverage, 0.92, 0.98);
    }
}
