using System.Runtime.Intrinsics;
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
            Assert.Equal(expected, dest[c], 1e-12);
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

/// <summary>The two-series kernels against plain loops, with odd batch sizes and widths.</summary>
public sealed class BatchKernelsTests
{
    [Theory]
    [InlineData(5, 4, 32, 32)]
    [InlineData(3, 3, 7, 13)]
    [InlineData(4, 6, 0, 40)]
    [InlineData(1, 2, 2, 5)]
    public void AccumulateProduct_matches_a_plain_loop(int rows, int na, int nb, int cols)
    {
        var random = new Random(rows + cols);
        double[] Rand(int n) => Enumerable.Range(0, n).Select(_ => random.NextDouble() - 0.5).ToArray();
        var a = Rand(rows * na); var ma = Rand(na * cols); var b = Rand(rows * nb); var mb = Rand(nb * cols); var acc = Rand(rows * cols);
        var expected = (double[])acc.Clone();
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++)
            {
                for (int k = 0; k < na; k++) expected[r * cols + c] += a[r * na + k] * ma[k * cols + c];
                for (int k = 0; k < nb; k++) expected[r * cols + c] += b[r * nb + k] * mb[k * cols + c];
            }
        RnnStream.Model.Kernels.BatchKernels.AccumulateProduct<double>(rows, a, ma, na, b, mb, nb, acc, cols);
        for (int i = 0; i < acc.Length; i++) Assert.Equal(expected[i], acc[i], 1e-12);
    }

    [Theory]
    [InlineData(64, 32, 32)]
    [InlineData(7, 5, 13)]
    [InlineData(3, 4, 1)]
    public void AccumulateTransposedProduct_matches_a_plain_loop(int n, int rows, int cols)
    {
        var random = new Random(n * rows + cols);
        double[] Rand(int count) => Enumerable.Range(0, count).Select(_ => random.NextDouble() - 0.5).ToArray();
        var a = Rand(n * rows); var b = Rand(n * cols); var m = Rand(rows * cols);
        var expected = (double[])m.Clone();
        for (int i = 0; i < n; i++)
            for (int r = 0; r < rows; r++)
                for (int c = 0; c < cols; c++) expected[r * cols + c] += a[i * rows + r] * b[i * cols + c];
        RnnStream.Model.Kernels.BatchKernels.AccumulateTransposedProduct<double>(n, a, rows, b, cols, m);
        for (int i = 0; i < m.Length; i++) Assert.Equal(expected[i], m[i], 1e-12);
    }

    /// <summary>
    /// In float the sums must be the same bits a row at a time gives (multiply, then add, in the order of the batch):
    /// a replay's recorded forecasts stay what they were. One column of A is a network of one input feature.
    /// </summary>
    [Theory]
    [InlineData(16, 1, 96)]
    [InlineData(59, 1, 96)]
    [InlineData(7, 3, 13)]
    [InlineData(5, 1, 40)]
    public void AccumulateTransposedProduct_of_an_unpaired_row_is_the_same_bits_as_a_row_at_a_time(int n, int rows, int cols)
    {
        var random = new Random(n * rows + cols);
        float[] Rand(int count) => Enumerable.Range(0, count).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
        var a = Rand(n * rows); var b = Rand(n * cols); var m = Rand(rows * cols);
        var expected = (float[])m.Clone();
        for (int r = rows - rows % 2; r < rows; r++)
            for (int i = 0; i < n; i++)
                for (int c = 0; c < cols; c++)
                {
                    float product = a[i * rows + r] * b[i * cols + c];
                    expected[r * cols + c] += product;
                }
        RnnStream.Model.Kernels.BatchKernels.AccumulateTransposedProduct<float>(n, a, rows, b, cols, m);
        for (int i = (rows - rows % 2) * cols; i < m.Length; i++) Assert.Equal(BitConverter.SingleToInt32Bits(expected[i]), BitConverter.SingleToInt32Bits(m[i]));
    }

    /// <summary>
    /// What every machine must compute, to the bit, written out one output at a time: the columns the 256-bit kernels
    /// cover are one chain of fused multiply-adds in the order of k, the rest (past the last whole vector) multiply,
    /// then add. The machine running the test decides which kernels run (512-bit blocks of four rows where AVX-512 is
    /// accelerated, 256-bit pairs otherwise); either must give these bits, or a replay rerun on the other machine
    /// would forecast differently.
    /// </summary>
    [Theory]
    [InlineData(64, 36, 0, 128)]
    [InlineData(64, 4, 32, 96)]
    [InlineData(64, 128, 0, 32)]
    [InlineData(6, 32, 0, 96)]
    [InlineData(7, 5, 3, 45)]
    [InlineData(10, 1, 0, 16)]
    [InlineData(5, 3, 2, 13)]
    public void AccumulateProduct_in_float_is_one_fused_chain_per_vector_column_on_any_machine(int rows, int na, int nb, int cols)
    {
        var random = new Random(rows * 31 + cols);
        float[] Rand(int n) => Enumerable.Range(0, n).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
        var a = Rand(rows * na); var ma = Rand(na * cols); var b = Rand(rows * nb); var mb = Rand(nb * cols); var acc = Rand(rows * cols);
        var expected = (float[])acc.Clone();
        int vectorColumns = cols - cols % Vector256<float>.Count;
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++)
            {
                float sum = expected[r * cols + c];
                for (int k = 0; k < na; k++) sum = Step(sum, a[r * na + k], ma[k * cols + c], c < vectorColumns);
                for (int k = 0; k < nb; k++) sum = Step(sum, b[r * nb + k], mb[k * cols + c], c < vectorColumns);
                expected[r * cols + c] = sum;
            }
        RnnStream.Model.Kernels.BatchKernels.AccumulateProduct<float>(rows, a, ma, na, b, mb, nb, acc, cols);
        Assert.Equal(expected.Select(BitConverter.SingleToInt32Bits), acc.Select(BitConverter.SingleToInt32Bits));
    }

    /// <summary>
    /// The same for the weight gradient: rows of M in pairs (or fours) are fused chains in the order of the batch over
    /// the vector columns; the unpaired last row, the columns past the last whole vector and a one-column M (a
    /// one-output head) multiply, then add.
    /// </summary>
    [Theory]
    [InlineData(64, 32, 128)]
    [InlineData(64, 4, 96)]
    [InlineData(64, 32, 1)]
    [InlineData(32, 6, 96)]
    [InlineData(9, 7, 45)]
    [InlineData(5, 1, 16)]
    [InlineData(7, 5, 13)]
    public void AccumulateTransposedProduct_in_float_is_one_fused_chain_per_paired_row_and_vector_column_on_any_machine(int n, int rows, int cols)
    {
        var random = new Random(n * 17 + rows * 3 + cols);
        float[] Rand(int count) => Enumerable.Range(0, count).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
        var a = Rand(n * rows); var b = Rand(n * cols); var m = Rand(rows * cols);
        var expected = (float[])m.Clone();
        int pairedRows = rows - rows % 2, vectorColumns = cols - cols % Vector256<float>.Count;
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++)
            {
                float sum = expected[r * cols + c];
                for (int i = 0; i < n; i++) sum = Step(sum, a[i * rows + r], b[i * cols + c], r < pairedRows && c < vectorColumns);
                expected[r * cols + c] = sum;
            }
        RnnStream.Model.Kernels.BatchKernels.AccumulateTransposedProduct<float>(n, a, rows, b, cols, m);
        Assert.Equal(expected.Select(BitConverter.SingleToInt32Bits), m.Select(BitConverter.SingleToInt32Bits));
    }

    private static float Step(float sum, float x, float w, bool fused)
    {
        if (fused) return MathF.FusedMultiplyAdd(x, w, sum);
        float product = x * w;
        return sum + product;
    }

    [Theory]
    [InlineData(16, 96)]
    [InlineData(7, 13)]
    [InlineData(3, 1)]
    public void AccumulateColumnSums_is_the_same_bits_as_adding_a_row_at_a_time(int n, int cols)
    {
        var random = new Random(n + cols);
        var b = Enumerable.Range(0, n * cols).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
        var acc = Enumerable.Range(0, cols).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
        var expected = (float[])acc.Clone();
        for (int i = 0; i < n; i++)
            for (int c = 0; c < cols; c++) expected[c] += b[i * cols + c];
        RnnStream.Model.Kernels.BatchKernels.AccumulateColumnSums<float>(n, b, acc);
        Assert.Equal(expected.Select(BitConverter.SingleToInt32Bits), acc.Select(BitConverter.SingleToInt32Bits));
    }
}
