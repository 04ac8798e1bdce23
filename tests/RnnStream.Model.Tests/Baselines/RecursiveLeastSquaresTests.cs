using MathNet.Numerics.LinearAlgebra;
using RnnStream.Model.Baselines;
using Xunit;

namespace RnnStream.Model.Tests.Baselines;

public sealed class RecursiveLeastSquaresTests
{
    [Fact]
    public void Without_forgetting_it_reaches_the_batch_ridge_solution()
    {
        var random = new Random(3);
        const int p = 4, n = 300;
        const double ridge = 0.5;
        double[] truth = [0.8, -0.3, 0.1, 0.5];
        var rows = new double[n][];
        var ys = new double[n];
        var weights = new double[p];
        var inverse = new double[p * p];
        RecursiveLeastSquares.Initialize(weights, inverse, ridge);
        for (int t = 0; t < n; t++)
        {
            rows[t] = Enumerable.Range(0, p).Select(_ => random.NextDouble() * 2 - 1).ToArray();
            ys[t] = truth.Zip(rows[t], (a, b) => a * b).Sum() + 0.05 * (random.NextDouble() - 0.5);
            RecursiveLeastSquares.Update(weights, inverse, rows[t], ys[t], forgetting: 1.0);
        }

        var x = Matrix<double>.Build.DenseOfRowArrays(rows);
        var y = Vector<double>.Build.DenseOfArray(ys);
        var batch = (x.TransposeThisAndMultiply(x) + ridge * Matrix<double>.Build.DenseIdentity(p)).Solve(x.TransposeThisAndMultiply(y));
        for (int i = 0; i < p; i++) Assert.Equal(batch[i], weights[i], 8);
    }
}
