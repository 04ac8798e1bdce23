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

    [Fact]
    public void Gated_cells_hold_a_value_for_20_steps_and_more_where_a_SimpleRnn_of_the_same_size_does_worse()
    {
        double lstm = TrainAndScore(CellType.Lstm);
        double gru = TrainAndScore(CellType.Gru);
        double simple = TrainAndScore(CellType.SimpleRnn);
        output.WriteLine($"latch, mean gap {MeanGap}, {Units} units: MSE LSTM {lstm:F4}, GRU {gru:F4}, SimpleRnn {simple:F4} (predicting 0: 0.333)");

        Assert.True(lstm < 0.02, $"LSTM MSE {lstm:F4} should be below 0.02");
        Assert.True(gru < 0.02, $"GRU MSE {gru:F4} should be below 0.02");
        Assert.True(simple > 5 * Math.Max(lstm, gru), $"SimpleRnn MSE {simple:F4} should be at least 5× the gated cells' ({lstm:F4}, {gru:F4})");
    }

    private static double TrainAndScore(CellType cell)
    {
        var spec = ModelSpec.Single(cell, 2, Units, 1);
        var trainer = new TbpttTrainer(spec, new TrainingOptions { LearningRate = 0.01 }, seed: 11);
        var random = new Random(12);
        for (int b = 0; b < Batches; b++)
        {
            var report = trainer.Train(LatchBatch(random, 32, Window));
            Assert.False(report.Rejected, report.RejectionReason);
        }

        // Scored through the live step on one long unseen stream.
        var network = new InferenceNetwork(trainer.Snapshot(1));
        var stream = LatchBatch(new Random(77), 1, 5000);
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
