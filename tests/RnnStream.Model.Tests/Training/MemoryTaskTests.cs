using RnnStream.Model.Inference;
using RnnStream.Model.Specs;
using RnnStream.Model.Training;
using Xunit;
using Xunit.Abstractions;

namespace RnnStream.Model.Tests.Training;

/// <summary>
/// A latch: now and then (on average every <see cref="MeanGap"/> steps) a marker flags the value
/// channel, and from then on the target is that value, until the next marker. Between markers the
/// value channel carries noise twice as wide. So the model must hold a continuous value for
/// 20 steps on average (often 40 and more) while shutting out what arrives on the same input.
/// Predicting 0 scores MSE 1/3. A gated cell stores on the marker and closes its gate otherwise;
/// a SimpleRnn of the same width has no multiplicative gate, so the noise keeps leaking in.
/// </summary>
public sealed class MemoryTaskTests(ITestOutputHelper output)
{
    private const int MeanGap = 20;
    private const int Window = 64;
    private const int Units = 16;
    private const int Batches = 600;

    /// <summary>Each seed draws its own initial weights, training batches and test stream.</summary>
    private static readonly int[] Seeds = [11, 21, 31, 41, 51];

    [Fact]
    public void Gated_cells_hold_a_value_for_20_steps_and_more_where_a_SimpleRnn_of_the_same_size_does_worse()
    {
        var lstm = Seeds.Select(seed => TrainAndScore(CellType.Lstm, seed)).ToArray();
        var gru = Seeds.Select(seed => TrainAndScore(CellType.Gru, seed)).ToArray();
        var simple = Seeds.Select(seed => TrainAndScore(CellType.SimpleRnn, seed)).ToArray();
        output.WriteLine($"latch, mean gap {MeanGap}, {Units} units, seeds {string.Join(", ", Seeds)} (predicting 0: MSE 0.333)");
        output.WriteLine($"  LSTM      MSE {Describe(lstm)}");
        output.WriteLine($"  GRU       MSE {Describe(gru)}");
        output.WriteLine($"  SimpleRnn MSE {Describe(simple)}");

        // Measured over these seeds: LSTM 0.0010-0.0052 per seed (mean 0.0026), GRU 0.0009-0.0081 (mean 0.0026),
        // SimpleRnn 0.0175-0.0604 (mean 0.0375), 14x the gated cells. Per seed the spread is about 0.0025 for the
        // gated cells and 0.016 for the SimpleRnn, so a mean of five moves by about 0.001 and 0.007: the gated bound
        // (0.01) sits seven of those above the measured mean, and the 5x gap three below the SimpleRnn's, while a
        // gate that stops gating lands near the SimpleRnn and fails both.
        Assert.True(lstm.Average() < 0.01, $"LSTM mean MSE {lstm.Average():F4} should be below 0.01");
        Assert.True(gru.Average() < 0.01, $"GRU mean MSE {gru.Average():F4} should be below 0.01");
        double gated = Math.Max(lstm.Average(), gru.Average());
        Assert.True(simple.Average() > 5 * gated, $"SimpleRnn mean MSE {simple.Average():F4} should be at least 5x the gated cells' ({gated:F4})");
    }

    private static string Describe(double[] values) =>
        $"mean {values.Average():F4}, per seed {string.Join(" ", values.Select(v => v.ToString("F4")))}";

    private static double TrainAndScore(CellType cell, int seed)
    {
        var spec = ModelSpec.Single(cell, 2, Units, 1);
        var trainer = new TbpttTrainer(spec, new TrainingOptions { LearningRate = 0.01 }, seed: seed);
        var random = new Random(seed + 1);
        for (int b = 0; b < Batches; b++)
        {
            var report = trainer.Train(LatchBatch(random, 32, Window));
            Assert.False(report.Rejected, report.RejectionReason);
        }

        // Scored through the live step on one long unseen stream.
        var network = new InferenceNetwork(trainer.Snapshot(1));
        var stream = LatchBatch(new Random(seed + 66), 1, 5000);
        var state = network.CreateState();
        Span<float> prediction = stackalloc float[1];
        double sum = 0;
        int count = 0;
        for (int t = 0; t < stream.Steps; t++)
        {
            network.Step(state, stream.Input(0, t), prediction);
            double error = prediction[0] - stream.Target(0, t)[0];
            sum += error * error;
            count++;
        }
        return sum / count;
    }

    private static TrainingBatch LatchBatch(Random random, int series, int steps)
    {
        var inputs = new float[series * steps * 2];
        var targets = new float[series * steps];
        for (int s = 0; s < series; s++)
        {
            float held = 0;
            for (int t = 0; t < steps; t++)
            {
                int at = (s * steps + t) * 2;
                bool marked = t == 0 || random.Next(MeanGap) == 0;
                float value = (float)(random.NextDouble() * 2 - 1);
                float noise = (float)(random.NextDouble() * 4 - 2);
                if (marked) held = value;
                inputs[at] = marked ? value : noise;
                inputs[at + 1] = marked ? 1f : 0f;
                targets[s * steps + t] = held;
            }
        }
        return new TrainingBatch(series, steps, 2, 1, inputs, targets);
    }
}
