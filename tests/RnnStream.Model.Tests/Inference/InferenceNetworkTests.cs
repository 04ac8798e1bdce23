using RnnStream.Model.Inference;
using RnnStream.Model.Specs;
using RnnStream.Model.Training;
using RnnStream.Model.Weights;
using Xunit;

namespace RnnStream.Model.Tests.Inference;

public sealed class InferenceNetworkTests
{
    public static TheoryData<string, ModelSpec> Specs() => new()
    {
        { "SimpleRnn", new ModelSpec(4, [new LayerSpec(CellType.SimpleRnn, 32)], 2) },
        { "SimpleRnn relu, odd width", new ModelSpec(3, [new LayerSpec(CellType.SimpleRnn, 13, Activation.Relu)], 1) },
        { "LSTM", new ModelSpec(4, [new LayerSpec(CellType.Lstm, 32)], 1) },
        { "GRU", new ModelSpec(4, [new LayerSpec(CellType.Gru, 32)], 1) },
        { "GRU, odd width", new ModelSpec(4, [new LayerSpec(CellType.Gru, 19)], 3) },
        { "GRU over LSTM over SimpleRnn", new ModelSpec(4, [new LayerSpec(CellType.SimpleRnn, 16), new LayerSpec(CellType.Lstm, 12), new LayerSpec(CellType.Gru, 8)], 2) },
        { "LSTM, Gaussian head", new ModelSpec(2, [new LayerSpec(CellType.Lstm, 8)], 2, head: OutputHead.Gaussian) },
    };

    [Theory]
    [MemberData(nameof(Specs))]
    public void The_live_step_predicts_exactly_what_the_training_forward_pass_computes(string name, ModelSpec spec)
    {
        var weights = WeightInitializer.Initialize(spec, seed: name.Length);
        var random = new Random(1);
        const int steps = 30, series = 3;
        var inputs = new float[series * steps * spec.InputFeatures];
        for (int i = 0; i < inputs.Length; i++) inputs[i] = (float)(random.NextDouble() * 4 - 2);
        var batch = new TrainingBatch(series, steps, spec.InputFeatures, spec.OutputUnits, inputs, new float[series * steps * spec.OutputUnits]);

        var unrolled = new SequenceNetwork<float>(spec);
        unrolled.LoadParameters(weights.Values);
        unrolled.BeginWindows(series);
        unrolled.ForwardSegment(batch, 0, steps, 0);

        var network = new InferenceNetwork(weights);
        var output = new float[network.OutputLength];
        for (int s = 0; s < series; s++)
        {
            var state = network.CreateState();
            for (int t = 0; t < steps; t++)
            {
                network.Step(state, batch.Input(s, t), output);
                var expected = unrolled.Output(t, s).ToArray();
                if (spec.Head == OutputHead.Gaussian) GaussianHead.ToVariance(expected.AsSpan(spec.OutputUnits));
                Assert.Equal(expected, output);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Specs))]
    public void A_step_allocates_nothing(string name, ModelSpec spec)
    {
        var network = new InferenceNetwork(WeightInitializer.Initialize(spec, seed: name.Length));
        var state = network.CreateState();
        var input = Enumerable.Range(0, spec.InputFeatures).Select(i => i * 0.1f).ToArray();
        var output = new float[network.OutputLength];
        network.Step(state, input, output);

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++) network.Step(state, input, output);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.All(state.Values.ToArray(), v => Assert.True(float.IsFinite(v)));
    }

    [Fact]
    public void The_state_is_the_memory_a_fresh_state_forgets_the_past()
    {
        var spec = ModelSpec.Single(CellType.Lstm, 1, 8, 1);
        var network = new InferenceNetwork(WeightInitializer.Initialize(spec, seed: 3));
        var warmed = network.CreateState();
        var output = new float[1];
        foreach (float x in new[] { 1f, -2f, 3f }) network.Step(warmed, [x], output);
        var copy = network.CreateState();
        copy.CopyFrom(warmed);

        var fromWarm = new float[1];
        var fromCopy = new float[1];
        var fromFresh = new float[1];
        network.Step(warmed, [0.5f], fromWarm);
        network.Step(copy, [0.5f], fromCopy);
        network.Step(network.CreateState(), [0.5f], fromFresh);

        Assert.Equal(fromWarm, fromCopy);
        Assert.NotEqual(fromWarm, fromFresh);
    }

    [Fact]
    public void A_wrong_input_width_is_refused_with_the_expected_width()
    {
        var network = new InferenceNetwork(WeightInitializer.Initialize(ModelSpec.Single(CellType.Gru, 4, 8, 1), 1));
        var error = Assert.Throws<ArgumentException>(() => network.Step(network.CreateState(), new float[3], new float[1]));
        Assert.Contains("expected 4 input features", error.Message);
    }
}
