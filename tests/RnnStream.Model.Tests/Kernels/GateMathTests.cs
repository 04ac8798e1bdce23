using System.Numerics.Tensors;
using System.Runtime.Intrinsics;
using RnnStream.Model.Kernels;
using Xunit;

namespace RnnStream.Model.Tests.Kernels;

/// <summary>
/// The fused gates must give what the separate TensorPrimitives calls give, to the bit: training
/// runs fused, and a trained network's live step must forecast exactly what training computed.
/// </summary>
public sealed class GateMathTests
{
    internal static float[] Values(int count, int seed)
    {
        var random = new Random(seed);
        var values = new float[count];
        // Near zero, the working range, and past where tanh and the sigmoid saturate.
        for (int i = 0; i < count; i++) values[i] = (float)((random.NextDouble() - 0.5) * (i % 3 == 0 ? 0.02 : i % 3 == 1 ? 8 : 60));
        float[] edges = [0f, -0f, 8.66f, -8.67f, 9f, -9f, 88f, -88f, 100f, -104f, float.Epsilon, 1e-30f];
        edges.CopyTo(values, 0);
        return values;
    }

    [Fact]
    public void Sigmoid_and_tanh_equal_TensorPrimitives_to_the_bit()
    {
        var x = Values(400_000, 1);
        float[] sigmoid = new float[x.Length], tanh = new float[x.Length];
        TensorPrimitives.Sigmoid(x, sigmoid);
        TensorPrimitives.Tanh(x, tanh);
        for (int i = 0; i < x.Length; i += Vector256<float>.Count)
        {
            var v = Vector256.Create(x.AsSpan(i));
            Assert.Equal(Vector256.Create(sigmoid.AsSpan(i)).AsUInt32(), GateMath.Sigmoid(v).AsUInt32());
            Assert.Equal(Vector256.Create(tanh.AsSpan(i)).AsUInt32(), GateMath.Tanh(v).AsUInt32());
        }
    }

    /// <summary>
    /// The 512-bit sigmoid and tanh, lane by lane, against the 256-bit ones. Where AVX-512 is accelerated the gates
    /// run sixteen lanes at a time; a machine without it must still forecast the same bits.
    /// </summary>
    [Fact]
    public void The_512_bit_sigmoid_and_tanh_are_the_256_bit_ones_lane_by_lane()
    {
        var x = Values(400_000, 7);
        for (int i = 0; i < x.Length; i += Vector512<float>.Count)
        {
            var wide = Vector512.Create(x.AsSpan(i));
            Assert.Equal(Vector512.Create(GateMath.Sigmoid(wide.GetLower()), GateMath.Sigmoid(wide.GetUpper())).AsUInt32(), GateMath.Sigmoid(wide).AsUInt32());
            Assert.Equal(Vector512.Create(GateMath.Tanh(wide.GetLower()), GateMath.Tanh(wide.GetUpper())).AsUInt32(), GateMath.Tanh(wide).AsUInt32());
        }
    }

    [Theory]
    [InlineData(24)]
    [InlineData(32)]
    [InlineData(40)]
    public void The_fused_GRU_gates_equal_the_separate_calls_to_the_bit(int units)
    {
        var fromInput = Values(3 * units, 2);
        var fromHidden = Values(3 * units, 3);
        var hPrev = Values(units, 4).Select(v => MathF.Tanh(v)).ToArray();

        var expectedGates = (float[])fromInput.Clone();
        var expectedH = (float[])hPrev.Clone();
        var updateReset = expectedGates.AsSpan(0, 2 * units);
        TensorPrimitives.Add(updateReset, fromHidden.AsSpan(0, 2 * units), updateReset);
        TensorPrimitives.Sigmoid(updateReset, updateReset);
        var candidate = expectedGates.AsSpan(2 * units, units);
        TensorPrimitives.FusedMultiplyAdd(expectedGates.AsSpan(units, units), fromHidden.AsSpan(2 * units, units), candidate, candidate);
        TensorPrimitives.Tanh(candidate, candidate);
        TensorPrimitives.Subtract(expectedH, candidate, expectedH);
        TensorPrimitives.FusedMultiplyAdd(expectedGates.AsSpan(0, units), expectedH, candidate, expectedH);

        var gates = (float[])fromInput.Clone();
        var h = (float[])hPrev.Clone();
        var kept = new float[units];
        GateMath.Gru(gates, fromHidden, h, h, kept);

        Assert.Equal(expectedGates, gates);
        Assert.Equal(expectedH, h);
        Assert.Equal(fromHidden.AsSpan(2 * units).ToArray(), kept);
    }

    [Theory]
    [InlineData(16)]
    [InlineData(24)]
    [InlineData(32)]
    public void The_fused_LSTM_gates_equal_the_separate_calls_to_the_bit(int units)
    {
        var preActivations = Values(4 * units, 5);
        var cPrev = Values(units, 6);

        var expectedGates = (float[])preActivations.Clone();
        var expectedC = (float[])cPrev.Clone();
        var expectedTanh = new float[units];
        var expectedH = new float[units];
        TensorPrimitives.Sigmoid(expectedGates.AsSpan(0, 2 * units), expectedGates.AsSpan(0, 2 * units));
        TensorPrimitives.Tanh(expectedGates.AsSpan(2 * units, units), expectedGates.AsSpan(2 * units, units));
        TensorPrimitives.Sigmoid(expectedGates.AsSpan(3 * units, units), expectedGates.AsSpan(3 * units, units));
        TensorPrimitives.Multiply(expectedGates.AsSpan(units, units), expectedC, expectedC);
        TensorPrimitives.FusedMultiplyAdd(expectedGates.AsSpan(0, units), expectedGates.AsSpan(2 * units, units), expectedC, expectedC);
        TensorPrimitives.Tanh(expectedC, expectedTanh);
        TensorPrimitives.Multiply(expectedGates.AsSpan(3 * units, units), expectedTanh, expectedH);

        var gates = (float[])preActivations.Clone();
        var c = (float[])cPrev.Clone();
        var cellTanh = new float[units];
        var h = new float[units];
        GateMath.Lstm(gates, c, c, cellTanh, h);

        Assert.Equal(expectedGates, gates);
        Assert.Equal(expectedC, c);
        Assert.Equal(expectedTanh, cellTanh);
        Assert.Equal(expectedH, h);
    }
}
