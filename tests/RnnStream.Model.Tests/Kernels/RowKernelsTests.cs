using RnnStream.Model.Kernels;
using Xunit;

namespace RnnStream.Model.Tests.Kernels;

/// <summary>The SIMD kernels against plain loops, at widths that exercise the 4-vector, 1-vector and scalar tails.</summary>
public sealed class RowKernelsTests
{
    [Theory]
    [InlineData(4, 32, 32)]
    [InlineData(3, 5, 7)]
    [InlineData(1, 0, 41)]
    [InlineData(7, 13, 128)]
    [InlineData(2, 3, 9)]
    public void Affine_matches_a_plain_loop(int rowsA, int rowsB, int cols)
    {
        var random = new Random(cols);
        double[] Rand(int n) => Enumerable.Range(0, n).Select(_ => random.NextDouble() - 0.5).ToArray();
        var a = Rand(rowsA); var ma = Rand(rowsA * cols); var b = Rand(rowsB); var mb = Rand(rowsB * cols); var bias = Rand(cols);
        var dest = new double[cols];
        RowKernels.Affine<double>(a, ma, b, mb, bias, dest);
        for (int c = 0; c < cols; c++)
        {
            double expected = bias[c];
            for (int r = 0; r < rowsA; r++) expected += a[r] * ma[r * cols + c];
            for (int r = 0; r < rowsB; r++) expected += b[r] * mb[r * cols + c];
            Assert.Equal(expected, dest[c], 12);
        }
    }

    [Theory]
    [InlineData(4, 32)]
    [InlineData(5, 7)]
    [InlineData(3, 41)]
    public void AccumulateOuter_matches_a_plain_loop(int rows, int cols)
    {
        var random = new Random(rows * cols);
        var u = Enumerable.Range(0, rows).Select(_ => (float)random.NextDouble()).ToArray();
        var w = Enumerable.Range(0, cols).Select(_ => (float)random.NextDouble()).ToArray();
        var m = Enumerable.Range(0, rows * cols).Select(_ => (float)random.NextDouble()).ToArray();
        var expected = (float[])m.Clone();
        for (int r = 0; r < rows; r++) for (int c = 0; c < cols; c++) expected[r * cols + c] += u[r] * w[c];
        RowKernels.AccumulateOuter<float>(u, w, m);
        for (int i = 0; i < m.Length; i++) Assert.Equal(expected[i], m[i], 5);
    }
}
