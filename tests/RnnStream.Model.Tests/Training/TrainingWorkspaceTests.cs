using RnnStream.Model.Specs;
using RnnStream.Model.Training;
using RnnStream.Model.Weights;
using Xunit;

namespace RnnStream.Model.Tests.Training;

/// <summary>
/// A workspace handed from one trainer to the next (as a replay's retrains do) holds whatever the
/// last one left in it, sized for its largest batch and longest window; a trainer that reuses it
/// must train and judge exactly as one given a new workspace.
/// </summary>
public sealed class TrainingWorkspaceTests
{
    public static TheoryData<CellType, int> Cells => new()
    {
        { CellType.Gru, 1 }, { CellType.Gru, 2 }, { CellType.Lstm, 2 }, { CellType.SimpleRnn, 3 },
    };

    [Theory]
    [MemberData(nameof(Cells))]
    public void A_reused_workspace_trains_and_judges_the_same_bits_as_a_new_one(CellType cell, int shards)
    {
        var spec = ModelSpec.Single(cell, 2, 16, 1);
        var options = Options(shards);
        var initial = WeightInitializer.Initialize(spec, seed: 3);

        var fresh = Retrain(new TbpttTrainer(initial, options));

        // Used before by other weights on a larger batch of longer windows, then on a smaller one: the
        // buffers are larger than this retrain needs and hold that run's activations, states and gradients.
        var workspace = new TrainingWorkspace(spec, shards);
        var other = new TbpttTrainer(WeightInitializer.Initialize(spec, seed: 8), options, workspace);
        other.Train(Batch(new Random(5), windows: 31, steps: 40));
        other.Train(Batch(new Random(6), windows: 5, steps: 12));
        var reused = Retrain(new TbpttTrainer(initial, options, workspace));

        Assert.Equal(fresh.Champion, reused.Champion);
        Assert.Equal(fresh.Losses, reused.Losses);
        Assert.Equal(fresh.Challenger, reused.Challenger);
        Assert.Equal(fresh.Weights, reused.Weights);
    }

    [Fact]
    public void A_workspace_for_another_model_or_split_is_refused()
    {
        var spec = ModelSpec.Single(CellType.Gru, 2, 16, 1);
        var initial = WeightInitializer.Initialize(spec, seed: 1);
        var wider = new TrainingWorkspace(ModelSpec.Single(CellType.Gru, 2, 24, 1), shards: 2);
        var otherSplit = new TrainingWorkspace(spec, shards: 3);
        Assert.Throws<ArgumentException>(() => new TbpttTrainer(initial, Options(2), wider));
        Assert.Throws<ArgumentException>(() => new TbpttTrainer(initial, Options(2), otherSplit));
    }

    private static TrainingOptions Options(int shards) => new()
    {
        LearningRate = 0.01, ClipNorm = 1, WarmupSteps = 4, TruncationLength = 8, Shards = shards, Threads = 2,
    };

    /// <summary>As a retrain does: judge the weights on a holdout larger than a batch, train, judge again.</summary>
    private static (double Champion, double[] Losses, double Challenger, float[] Weights) Retrain(TbpttTrainer trainer)
    {
        var holdout = Batch(new Random(1), windows: 21, steps: 24);
        double champion = trainer.Evaluate(holdout);
        var random = new Random(2);
        var losses = new double[12];
        for (int i = 0; i < losses.Length; i++)
        {
            var report = trainer.Train(Batch(random, windows: 13, steps: 24));
            Assert.False(report.Rejected, report.RejectionReason);
            losses[i] = report.Loss;
        }
        return (champion, losses, trainer.Evaluate(holdout), trainer.Snapshot(1).Values.ToArray());
    }

    /// <summary>Windows of noisy sines; two features, the value and its square; the target is the next value.</summary>
    private static TrainingBatch Batch(Random random, int windows, int steps)
    {
        var values = Enumerable.Range(0, windows).Select(_ =>
        {
            double period = 10 + 20 * random.NextDouble(), phase = 6 * random.NextDouble();
            return Enumerable.Range(0, steps + 1).Select(t => (float)(Math.Sin(2 * Math.PI * t / period + phase) + 0.1 * (random.NextDouble() - 0.5))).ToArray();
        }).ToArray();
        var inputs = values.SelectMany(w => w.Take(steps).SelectMany(v => new[] { v, v * v })).ToArray();
        var targets = values.SelectMany(w => w.Skip(1)).ToArray();
        return new TrainingBatch(windows, steps, 2, 1, inputs, targets);
    }
}
