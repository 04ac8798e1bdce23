using BenchmarkDotNet.Attributes;
using RnnStream.Model.Inference;
using RnnStream.Model.Specs;
using RnnStream.Model.Weights;

namespace RnnStream.Benchmarks;

/// <summary>One series, one tick: the model's step against the plain fused reference kernel, D=4, K=1.</summary>
[MemoryDiagnoser]
[SimpleJob(warmupCount: 3, iterationCount: 10)]
public class InferenceStepBenchmarks
{
    private InferenceNetwork _network = null!;
    private RecurrentState _state = null!;
    private ReferenceKernels _reference = null!;
    private readonly float[] _input = [0.1f, -0.2f, 0.3f, 0.05f];
    private readonly float[] _output = new float[1];
    private float[] _h = null!;
    private float[] _c = null!;

    [Params(16, 32, 64, 128)]
    public int Units { get; set; }

    [Params(CellType.SimpleRnn, CellType.Lstm)]
    public CellType Cell { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _network = new InferenceNetwork(WeightInitializer.Initialize(ModelSpec.Single(Cell, 4, Units, 1), seed: 1));
        _state = _network.CreateState();
        _reference = new ReferenceKernels(Units, 4, Cell == CellType.Lstm ? 4 : 1, seed: 1);
        _h = new float[Units];
        _c = new float[Units];
    }

    [Benchmark(Baseline = true)]
    public void ReferenceKernel()
    {
        if (Cell == CellType.Lstm) _reference.LstmStep(_h, _c, _input);
        else _reference.SimpleRnnStep(_h, _input);
    }

    [Benchmark]
    public float ModelStep()
    {
        _network.Step(_state, _input, _output);
        return _output[0];
    }
}
