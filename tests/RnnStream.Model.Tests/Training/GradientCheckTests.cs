using RnnStream.Model.Specs;
using RnnStream.Model.Training;
using Xunit;

namespace RnnStream.Model.Tests.Training;

/// <summary>
/// Backpropagation through time against central differences of the loss, in double precision,
/// for every cell, a stack, both heads and the L2 term; D &gt; 1 and K &gt; 1 throughout.
/// </summary>
public sealed class GradientCheckTests
{
    private const double Tolerance = 1e-3;

    public static TheoryData<string, ModelSpec, double> Specs() => new()
    {
        { "SimpleRnn tanh", new ModelSpec(3, [new LayerSpec(CellType.SimpleRnn, 5)], 2), 0 },
        { "SimpleRnn relu", new ModelSpec(3, [new LayerSpec(CellType.SimpleRnn, 5, Activation.Relu)], 2), 0 },
        { "LSTM", new ModelSpec(3, [new LayerSpec(CellType.Lstm, 4)], 2), 0 },
        { "GRU", new ModelSpec(3, [new LayerSpec(CellType.Gru, 4)], 2), 0 },
        { "2-layer LSTM over GRU", new ModelSpec(3, [new LayerSpec(CellType.Gru, 4), new LayerSpec(CellType.Lstm, 3)], 2), 0 },
        { "2-layer SimpleRnn over LSTM with L2", new ModelSpec(2, [new LayerSpec(CellType.Lstm, 3), new LayerSpec(CellType.SimpleRnn, 4)], 3), 0.05 },
        { "GRU with Gaussian head", new ModelSpec(3, [new LayerSpec(CellType.Gru, 4)], 2, head: OutputHead.Gaussian), 0 },
    };

    [Theory]
    [MemberData(nameof(Specs))]
    public void Analytic_gradient_matches_central_differences(string name, ModelSpec spec, double l2)
    {
        var network = new SequenceNetwork<double>(spec);
        var random = new Random(name.Length * 7919);
        for (int i = 0; i < network.Parameters.Length; i++) network.Parameters[i] = random.NextDouble() - 0.5;
        var batch = RandomBatch(random, series: 3, steps: 6, spec.InputFeatures, spec.OutputUnits);
        const int warmup = 1;

        var analytic = new double[network.Parameters.Length];
        network.LossAndGradient(batch, warmup, l2, analytic);

        const double step = 1e-5;
        int checkedCount = 0;
        double worst = 0;
        string worstName = "";
        for (int i = 0; i < network.Parameters.Length; i++)
        {
            double original = network.Parameters[i];
            network.Parameters[i] = original + step;
            double plus = network.Loss(batch, warmup, l2);
            network.Parameters[i] = original - step;
            double minus = network.Loss(batch, warmup, l2);
            network.Parameters[i] = original;
            double numeric = (plus - minus) / (2 * step);
            double error = Math.Abs(numeric - analytic[i]) / Math.Max(1e-6, Math.Abs(numeric) + Math.Abs(analytic[i]));
            if (error > worst)
            {
                worst = error;
                worstName = $"{NameOf(spec, i)}: analytic {analytic[i]:G6}, numeric {numeric:G6}";
            }
            checkedCount++;
        }

        Assert.Equal(spec.ParameterCount, checkedCount);
        Assert.True(worst <= Tolerance, $"{name}: worst relative error {worst:G3} at {worstName}");
        Assert.Contains(analytic, g => Math.Abs(g) > 1e-4);
    }

    [Fact]
    public void Truncated_segments_carry_the_state_but_not_the_gradient()
    {
        var spec = new ModelSpec(2, [new LayerSpec(CellType.SimpleRnn, 3)], 1);
        var random = new Random(5);
        var full = new SequenceNetwork<double>(spec);
        for (int i = 0; i < full.Parameters.Length; i++) full.Parameters[i] = random.NextDouble() - 0.5;
        var batch = RandomBatch(random, series: 2, steps: 8, 2, 1);

        // The loss of a window run in two segments equals the whole-window loss: the state flows on.
        full.BeginWindows(batch.Series);
        var (firstSum, firstCount) = full.ForwardSegment(batch, 0, 4, 0);
        var (secondSum, secondCount) = full.ForwardSegment(batch, 4, 4, 0);
        double whole = full.Loss(batch, 0, 0);
        Assert.Equal(whole, (firstSum + secondSum) / (firstCount + secondCount), 12);

        // The gradient of the second segment alone differs from the same steps' share of the full gradient:
        // it does not reach back into the first segment.
        full.BeginWindows(batch.Series);
        full.ForwardSegment(batch, 0, 4, 0);
        full.ForwardSegment(batch, 4, 4, 0);
        var truncated = new double[full.Parameters.Length];
        full.Backward(truncated);
        var scoredLate = new double[full.Parameters.Length];
        full.LossAndGradient(batch, warmup: 4, 0, scoredLate);
        Assert.NotEqual(scoredLate, truncated);
    }

    private static TrainingBatch RandomBatch(Random random, int series, int steps, int d, int k)
    {
        var inputs = new float[series * steps * d];
        var targets = new float[series * steps * k];
        for (int i = 0; i < inputs.Length; i++) inputs[i] = (float)(random.NextDouble() * 2 - 1);
        for (int i = 0; i < targets.Length; i++) targets[i] = (float)(random.NextDouble() * 2 - 1);
        return new TrainingBatch(series, steps, d, k, inputs, targets);
    }

    private static string NameOf(ModelSpec spec, int index)
    {
        var layout = new RnnStream.Model.Weights.WeightLayout(spec);
        var slot = layout.Slots.Last(s => s.Offset <= index);
        return $"{slot.Name}[{index - slot.Offset}]";
    }
}
