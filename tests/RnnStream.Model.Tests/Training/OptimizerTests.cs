using RnnStream.Model.Training;
using Xunit;

namespace RnnStream.Model.Tests.Training;

/// <summary>The optimizers on their own, against numbers worked out by hand.</summary>
public sealed class OptimizerTests
{
    [Fact]
    public void Sgd_with_momentum_steps_along_the_velocity()
    {
        var sgd = new SgdOptimizer(2, learningRate: 0.1, momentum: 0.9);
        float[] x = [1f, -2f];
        sgd.Apply(x, [2f, -4f]);
        // v = -0.1·g = (-0.2, 0.4)
        Assert.Equal(0.8f, x[0], 6);
        Assert.Equal(-1.6f, x[1], 6);
        sgd.Apply(x, [2f, -4f]);
        // v = 0.9·v - 0.1·g = (-0.38, 0.76)
        Assert.Equal(0.42f, x[0], 5);
        Assert.Equal(-0.84f, x[1], 5);
    }

    [Fact]
    public void Adams_first_step_is_the_learning_rate_against_the_sign_of_the_gradient()
    {
        var adam = new AdamOptimizer(3, learningRate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-7);
        float[] x = [0f, 0f, 0f];
        adam.Apply(x, [5f, -0.2f, 1000f]);
        // m̂ = g and v̂ = g² after bias correction, so the step is lr·g/|g| whatever the gradient's size.
        Assert.Equal(-0.01f, x[0], 5);
        Assert.Equal(0.01f, x[1], 5);
        Assert.Equal(-0.01f, x[2], 5);
    }

    /// <summary>
    /// Adam runs eight parameters a vector and the rest one at a time; every parameter must get the bits of the
    /// one-at-a-time formula, or training would depend on where a parameter falls in the vector.
    /// </summary>
    [Fact]
    public void Adam_gives_every_parameter_the_bits_of_the_one_at_a_time_update()
    {
        const int count = 37;
        const double learningRate = 0.003, beta1 = 0.9, beta2 = 0.999, epsilon = 1e-7;
        var random = new Random(5);
        var adam = new AdamOptimizer(count, learningRate, beta1, beta2, epsilon);
        var x = Enumerable.Range(0, count).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
        var expected = (float[])x.Clone();
        float[] m = new float[count], v = new float[count];
        float b1 = (float)beta1, b2 = (float)beta2, eps = (float)epsilon;
        for (int step = 1; step <= 3; step++)
        {
            var g = Enumerable.Range(0, count).Select(_ => (float)((random.NextDouble() - 0.5) * 10)).ToArray();
            adam.Apply(x, g);
            float stepSize = (float)(learningRate * Math.Sqrt(1 - Math.Pow(beta2, step)) / (1 - Math.Pow(beta1, step)));
            for (int i = 0; i < count; i++)
            {
                m[i] = b1 * m[i] + (1 - b1) * g[i];
                v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
                expected[i] -= stepSize * m[i] / (MathF.Sqrt(v[i]) + eps);
            }
            Assert.Equal(expected.Select(BitConverter.SingleToInt32Bits), x.Select(BitConverter.SingleToInt32Bits));
        }
    }

    [Theory]
    [InlineData(OptimizerKind.Adam)]
    [InlineData(OptimizerKind.Sgd)]
    public void Each_optimizer_finds_the_minimum_of_a_quadratic(OptimizerKind kind)
    {
        float[] target = [3f, -1f, 0.5f];
        IOptimizer optimizer = kind == OptimizerKind.Adam
            ? new AdamOptimizer(3, 0.05, 0.9, 0.999, 1e-7)
            : new SgdOptimizer(3, 0.1, 0.5);
        float[] x = [0f, 0f, 0f];
        var gradient = new float[3];
        for (int step = 0; step < 2000; step++)
        {
            for (int i = 0; i < 3; i++) gradient[i] = 2 * (x[i] - target[i]);
            optimizer.Apply(x, gradient);
        }
        for (int i = 0; i < 3; i++) Assert.Equal(target[i], x[i], 2);
    }

    [Fact]
    public void A_rollback_returns_adam_to_its_checkpoint_so_the_next_step_is_as_if_the_rejected_one_never_happened()
    {
        var reference = new AdamOptimizer(2, 0.01, 0.9, 0.999, 1e-7);
        var rolled = new AdamOptimizer(2, 0.01, 0.9, 0.999, 1e-7);
        float[] a = [1f, 1f], b = [1f, 1f];
        reference.Apply(a, [1f, 2f]);
        rolled.Apply(b, [1f, 2f]);

        rolled.Checkpoint();
        float[] scratch = [1f, 1f];
        rolled.Apply(scratch, [100f, -100f]);
        rolled.Rollback();

        reference.Apply(a, [0.5f, -0.5f]);
        rolled.Apply(b, [0.5f, -0.5f]);
        Assert.Equal(a, b);
    }
}
