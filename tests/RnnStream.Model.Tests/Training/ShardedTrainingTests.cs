using RnnStream.Model.Specs;
using RnnStream.Model.Training;
using Xunit;

namespace RnnStream.Model.Tests.Training;

/// <summary>
/// A batch split into parts trained on several threads: the parts' gradients are summed in a fixed
/// order, so the weights are the same bits with one thread or two; and the split changes only the
/// rounding, not the gradient.
/// </summary>
public sealed class ShardedTrainingTests
{
    public static TheoryData<CellType, int> Cells => new()
    {
        { CellType.Gru, 2 }, { CellType.Lstm, 4 }, { CellType.SimpleRnn, 3 },
    };

    [Theory]
    [MemberData(nameof(Cells))]
    public void The_weights_are_bit_identical_with_one_thread_or_two(CellType cell, int shards)
    {
        var oneThread = Train(cell, shards, threads: 1, truncation: 8);
        var twoThreads = Train(cell, shards, threads: 2, truncation: 8);
        Assert.Equal(oneThread, twoThreads);
    }

    [Theory]
    [MemberData(nameof(Cells))]
    public void Splitting_the_batch_moves_the_weights_by_rounding_only(CellType cell, int shards)
    {
        // Plain SGD without clipping: each update is the gradient itself, so a part dropped or a mean over the wrong count shows.
        var initial = Train(cell, shards: 1, threads: 1, truncation: 0, batches: 0);
        var whole = Train(cell, shards: 1, threads: 1, truncation: 0, OptimizerKind.Sgd);
        var split = Train(cell, shards, threads: 2, truncation: 0, OptimizerKind.Sgd);
        Assert.NotEqual(whole, split);
        double moved = whole.Zip(initial, (a, b) => Math.Abs(a - b)).Max();
        double largest = whole.Zip(split, (a, b) => Math.Abs(a - b)).Max();
        Assert.True(largest < 1e-4 * moved, $"a weight differs by {largest:G3} between the whole batch and {shards} parts; training moved them up to {moved:G3}");
    }

    private static float[] Train(CellType cell, int shards, int threads, int truncation, OptimizerKind optimizer = OptimizerKind.Adam, int batches = 40)
    {
        var spec = ModelSpec.Single(cell, 2, 16, 1);
        var trainer = new TbpttTrainer(spec, new TrainingOptions
        {
            Optimizer = optimizer, LearningRate = 0.01, ClipNorm = optimizer == OptimizerKind.Sgd ? 0 : 1, WarmupSteps = 4, TruncationLength = truncation,
            Shards = shards, Threads = threads,
        }, seed: 3);
        var series = Enumerable.Range(0, 6).Select(i => Signals.Sine(300, 17 + i, i)).ToArray();
        var random = new Random(11);
        for (int batch = 0; batch < batches; batch++)
        {
            // 13 windows: parts of unequal size; two features, the value and its square.
            var windows = Enumerable.Range(0, 13).Select(_ =>
            {
                var source = series[random.Next(series.Length)];
                int start = random.Next(source.Length - 25);
                return source.AsSpan(start, 25).ToArray();
            }).ToArray();
            var inputs = windows.SelectMany(w => w.Take(24).SelectMany(v => new[] { v, v * v })).ToArray();
            var targets = windows.SelectMany(w => w.Skip(1)).ToArray();
            var report = trainer.Train(new TrainingBatch(13, 24, 2, 1, inputs, targets));
            Assert.False(report.Rejected, report.RejectionReason);
        }
        return trainer.Snapshot(1).Values.ToArray();
    }
}
