using System.Numerics.Tensors;
using BenchmarkDotNet.Attributes;
using RnnStream.Model.Kernels;

namespace RnnStream.Benchmarks;

/// <summary>
/// The dense head's dot product: <c>TensorPrimitives.Dot</c>, whose lane split follows the widest
/// vectors the CPU has (so its rounding differs between AVX-512 and AVX2 machines), against the
/// fixed-width <see cref="Simd.Dot"/> the model uses, measured in one run.
/// </summary>
[SimpleJob(warmupCount: 3, iterationCount: 10)]
public class HeadDotBenchmarks
{
    private float[] _hidden = null!;
    private float[] _weights = null!;

    [Params(16, 32, 64, 128)]
    public int Units { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(1);
        _hidden = Enumerable.Range(0, Units).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
        _weights = Enumerable.Range(0, Units).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
    }

    [Benchmark(Baseline = true)]
    public float WidestVectorsDot() => TensorPrimitives.Dot(_hidden, _weights);

    [Benchmark]
    public float FixedWidthDot() => Simd.Dot<float>(_hidden, _weights);
}
