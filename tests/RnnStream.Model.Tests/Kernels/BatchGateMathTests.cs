using RnnStream.Model.Kernels;
using Xunit;

namespace RnnStream.Model.Tests.Kernels;

/// <summary>
/// Training computes a step's gates for the whole batch at once; the live step computes them one
/// series at a time. A trained network must forecast live exactly what training computed, so the
/// batch must give each series the bits <see cref="GateMath"/> gives it.
/// </summary>
public sealed class BatchGateMathTests
{
    [Theory]
    [InlineData(5, 24)]
    [InlineData(4, 32)]
    [InlineData(2, 8)]
    public void The_batch_GRU_gates_are_the_one_series_gates_to_the_bit(int series, int units)
    {
        int gates = 3 * units;
        var fromInput = GateMathTests.Values(series * gates, 11);
        var fromHidden = GateMathTests.Values(series * gates, 12);
        var hPrev = GateMathTests.Values(series * units, 13).Select(MathF.Tanh).ToArray();

        var expectedGates = (float[])fromInput.Clone();
        var expectedH = new float[series * units];
        var expectedKept = new float[series * units];
        for (int s = 0; s < series; s++)
            GateMath.Gru(expectedGates.AsSpan(s * gates, gates), fromHidden.AsSpan(s * gates, gates), hPrev.AsSpan(s * units, units),
                expectedH.AsSpan(s * units, units), expectedKept.AsSpan(s * units, units));

        var batchGates = (float[])fromInput.Clone();
        var h = new float[series * units];
        var kept = new float[series * units];
        BatchGateMath.Gru(series, units, batchGates, (float[])fromHidden.Clone(), hPrev, h, kept);

        AssertSameBits(expectedGates, batchGates);
        AssertSameBits(expectedH, h);
        AssertSameBits(expectedKept, kept);
    }

    [Theory]
    [InlineData(5, 24)]
    [InlineData(4, 32)]
    [InlineData(2, 8)]
    public void The_batch_LSTM_gates_are_the_one_series_gates_to_the_bit(int series, int units)
    {
        int gates = 4 * units;
        var preActivations = GateMathTests.Values(series * gates, 14);
        var cPrev = GateMathTests.Values(series * units, 15);

        var expectedGates = (float[])preActivations.Clone();
        var expectedC = new float[series * units];
        var expectedTanh = new float[series * units];
        var expectedH = new float[series * units];
        for (int s = 0; s < series; s++)
            GateMath.Lstm(expectedGates.AsSpan(s * gates, gates), cPrev.AsSpan(s * units, units), expectedC.AsSpan(s * units, units),
                expectedTanh.AsSpan(s * units, units), expectedH.AsSpan(s * units, units));

        var batchGates = (float[])preActivations.Clone();
        var c = new float[series * units];
        var cellTanh = new float[series * units];
        var h = new float[series * units];
        BatchGateMath.Lstm(series, units, batchGates, cPrev, c, cellTanh, h, new float[series * gates]);

        AssertSameBits(expectedGates, batchGates);
        AssertSameBits(expectedC, c);
        AssertSameBits(expectedTanh, cellTanh);
        AssertSameBits(expectedH, h);
    }

    [Fact]
    public void A_width_that_is_not_whole_vectors_is_refused()
    {
        Assert.Throws<ArgumentException>(() => BatchGateMath.Gru(1, 12, new float[36], new float[36], new float[12], new float[12], new float[12]));
    }

    private static void AssertSameBits(float[] expected, float[] actual) =>
        Assert.Equal(expected.Select(BitConverter.SingleToInt32Bits), actual.Select(BitConverter.SingleToInt32Bits));
}
