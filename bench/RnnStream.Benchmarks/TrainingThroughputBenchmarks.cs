using BenchmarkDotNet.Attributes;
using RnnStream.Model.Specs;
using RnnStream.Model.Training;

namespace RnnStream.Benchmarks;

/// <summary>
/// One TBPTT training step (forward, backward, clipping, Adam) on a batch of 64 windows of 32 steps,
/// H=32, D=4, K=1, on one thread (the batch whole) or two (the batch in two parts, summed in order).
/// Series-steps per second = 64 × 32 / (time per operation).
/// </summary>
[MemoryDiagnoser]
[SimpleJob(warmupCount: 3, iterationCount: 10)]
public class TrainingThroughputBenchmarks
{
    public const int Batch = 64;
    public const int Window = 32;
    private TbpttTrainer _trainer = null!;
    private TrainingBatch _batch = null!;

    [Params(CellType.SimpleRnn, CellType.Lstm, CellType.Gru)]
    public CellType Cell { get; set; }

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var spec = ModelSpec.Single(Cell, 4, 32, 1);
        _trainer = new TbpttTrainer(spec, new TrainingOptions { LearningRate = 1e-4, Shards = Threads, Threads = Threads }, seed: 1);
        var random = new Random(2);
        var inputs = Enumerable.Range(0, Batch * Window * 4).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
        var targets = Enumerable.Range(0, Batch * Window).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
        _batch = new TrainingBatch(Batch, Window, 4, 1, inputs, targets);
    }

    [Benchmark(OperationsPerInvoke = Batch * Window)]
    public double TrainStep() => _trainer.Train(_batch).Loss;
}
