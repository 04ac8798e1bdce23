using RnnStream.Model.Specs;
using RnnStream.Model.Training;
using RnnStream.Model.Weights;
using Xunit;
using Xunit.Abstractions;

namespace RnnStream.Model.Tests.Training;

/// <summary>Exploding gradients, the non-finite guard, and reproducibility.</summary>
public sealed class StabilityTests(ITestOutputHelper output)
{
    private const int LongWindow = 200;

    /// <summary>Weights eight times Keras's initial scale over a 200-step window: gradient norms reach 1e30 and more.</summary>
    private static ModelWeights LargeInitialWeights() =>
        WeightInitializer.Initialize(new ModelSpec(2, [new LayerSpec(CellType.SimpleRnn, 16)], 1), seed: 3, scale: 8f);

    private static TrainingBatch LongSineBatch(Random random)
    {
        var series = Enumerable.Range(0, 8).Select(i => Interleave(Signals.Sine(LongWindow + 10, 30 + i, i), Signals.Sine(LongWindow + 10, 7, i))).ToArray();
        return WindowSampler.Sample(series, 2, [0], 1, LongWindow, 16, random);
    }

    private static float[] Interleave(float[] a, float[] b)
    {
        var values = new float[2 * a.Length];
        for (int i = 0; i < a.Length; i++) (values[2 * i], values[2 * i + 1]) = (a[i], b[i]);
        return values;
    }

    [Fact]
    public void With_clipping_a_long_window_with_large_weights_stays_finite_for_every_update()
    {
        var trainer = new TbpttTrainer(LargeInitialWeights(), new TrainingOptions { Optimizer = OptimizerKind.Sgd, LearningRate = 0.5, ClipNorm = 1.0 });
        var random = new Random(1);
        double largestNorm = 0;
        int clipped = 0;
        for (int i = 0; i < 60; i++)
        {
            var report = trainer.Train(LongSineBatch(random));
            Assert.False(report.Rejected, report.RejectionReason);
            largestNorm = Math.Max(largestNorm, report.GradientNorm);
            clipped += report.Clipped;
        }
        output.WriteLine($"with clipping: largest gradient norm {largestNorm:G4}, {clipped} of 60 updates clipped");
        Assert.True(largestNorm > 100, $"the scenario should produce exploding gradients, largest norm was {largestNorm:G4}");
        Assert.True(clipped > 0);
        Assert.True(trainer.Snapshot(1).IsFinite());
    }

    [Fact]
    public void Without_clipping_the_same_run_diverges_and_the_guard_keeps_the_last_finite_weights()
    {
        var trainer = new TbpttTrainer(LargeInitialWeights(), new TrainingOptions { Optimizer = OptimizerKind.Sgd, LearningRate = 0.5, ClipNorm = 0 });
        var random = new Random(1);
        TrainingReport? rejected = null;
        ModelWeights before = trainer.Snapshot(0);
        int step;
        for (step = 0; step < 60 && rejected is null; step++)
        {
            before = trainer.Snapshot(0);
            var report = trainer.Train(LongSineBatch(random));
            if (report.Rejected) rejected = report;
        }
        output.WriteLine($"without clipping: rejected at batch {step}: {rejected?.RejectionReason}");

        Assert.NotNull(rejected);
        Assert.Equal(1, trainer.RejectedBatches);
        var after = trainer.Snapshot(0);
        Assert.True(after.IsFinite());
        Assert.Equal(before.Values.ToArray(), after.Values.ToArray());
    }
}

public sealed class ReproducibilityTests
{
    [Theory]
    [InlineData(CellType.SimpleRnn)]
    [InlineData(CellType.Lstm)]
    [InlineData(CellType.Gru)]
    public void Same_seed_and_data_give_the_same_weights_bit_for_bit(CellType cell)
    {
        float[] Run()
        {
            var spec = new ModelSpec(1, [new LayerSpec(cell, 8), new LayerSpec(cell, 8)], 1);
            var trainer = new TbpttTrainer(spec, new TrainingOptions { LearningRate = 0.01, TruncationLength = 8, L2 = 1e-4 }, seed: 42);
            var series = Enumerable.Range(0, 4).Select(i => Signals.Sine(200, 10 + i, i)).ToArray();
            Signals.TrainOnSeries(trainer, series, window: 24, batchSize: 8, batches: 20, seed: 7);
            return trainer.Snapshot(1).Values.ToArray();
        }

        var first = Run();
        var second = Run();
        Assert.Equal(first.Select(BitConverter.SingleToInt32Bits), second.Select(BitConverter.SingleToInt32Bits));
    }

    [Fact]
    public void Different_seeds_give_different_weights()
    {
        var spec = ModelSpec.Single(CellType.Gru, 1, 8, 1);
        Assert.NotEqual(WeightInitializer.Initialize(spec, 1).Values.ToArray(), WeightInitializer.Initialize(spec, 2).Values.ToArray());
    }

    [Fact]
    public void A_NaN_in_the_data_is_rejected_and_leaves_weights_and_optimizer_unchanged()
    {
        var spec = ModelSpec.Single(CellType.Lstm, 1, 8, 1);
        var series = new[] { Signals.Sine(100, 12, 0) };
        var clean = WindowSampler.Build(series, 1, [0], 1, 20, [(0, 0), (0, 10)]);
        var poisoned = WindowSampler.Build(series, 1, [0], 1, 20, [(0, 0), (0, 10)]);
        poisoned.Inputs[5] = float.NaN;

        var guarded = new TbpttTrainer(spec, new TrainingOptions { LearningRate = 0.01 }, seed: 1);
        var reference = new TbpttTrainer(spec, new TrainingOptions { LearningRate = 0.01 }, seed: 1);
        guarded.Train(clean);
        reference.Train(clean);
        var report = guarded.Train(poisoned);
        Assert.True(report.Rejected);
        Assert.Contains("non-finite", report.RejectionReason);

        // The rejected step left no trace: the next clean steps match a trainer that never saw it.
        guarded.Train(clean);
        reference.Train(clean);
        Assert.Equal(reference.Snapshot(0).Values.ToArray(), guarded.Snapshot(0).Values.ToArray());
    }
}
