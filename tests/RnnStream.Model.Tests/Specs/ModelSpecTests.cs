using RnnStream.Model.Specs;
using RnnStream.Model.Weights;
using Xunit;

namespace RnnStream.Model.Tests.Specs;

public sealed class ModelSpecTests
{
    [Theory]
    [InlineData(CellType.SimpleRnn, 4, 32)]
    [InlineData(CellType.Lstm, 4, 32)]
    [InlineData(CellType.Gru, 4, 32)]
    [InlineData(CellType.Lstm, 1, 7)]
    [InlineData(CellType.Gru, 3, 64)]
    public void Parameter_counts_equal_Keras_formulas(CellType cell, int d, int h)
    {
        const int k = 3;
        var spec = ModelSpec.Single(cell, d, h, k);
        int expectedCell = cell switch
        {
            CellType.SimpleRnn => h * (d + h + 1),
            CellType.Lstm => 4 * h * (d + h + 1),
            _ => 3 * h * (d + h + 2),
        };
        Assert.Equal(expectedCell + k * (h + 1), spec.ParameterCount);
        Assert.Equal(spec.ParameterCount, new WeightLayout(spec).TotalLength);
    }

    [Fact]
    public void Known_Keras_summaries_match_for_D4_H32_K1()
    {
        // model.summary() in Keras 2/3 for Input((None, 4)) -> cell(32) -> Dense(1).
        Assert.Equal(1184 + 33, ModelSpec.Single(CellType.SimpleRnn, 4, 32, 1).ParameterCount);
        Assert.Equal(4736 + 33, ModelSpec.Single(CellType.Lstm, 4, 32, 1).ParameterCount);
        Assert.Equal(3648 + 33, ModelSpec.Single(CellType.Gru, 4, 32, 1).ParameterCount);
    }

    [Fact]
    public void A_stack_counts_each_layer_on_the_width_below_it()
    {
        var spec = new ModelSpec(4, [new LayerSpec(CellType.Lstm, 64), new LayerSpec(CellType.Gru, 32)], 1);
        Assert.Equal(4 * 64 * (4 + 64 + 1) + 3 * 32 * (64 + 32 + 2) + 33, spec.ParameterCount);
    }

    [Fact]
    public void Summary_lists_layers_shapes_and_totals()
    {
        var summary = new ModelSpec(4, [new LayerSpec(CellType.Lstm, 32), new LayerSpec(CellType.SimpleRnn, 16, Activation.Relu)], 2).Summary();
        Assert.Contains("lstm_0 (LSTM)", summary);
        Assert.Contains("simple_rnn_1 (SimpleRNN, relu)", summary);
        Assert.Contains("(None, None, 32)", summary);
        Assert.Contains("4,736", summary);
        Assert.Contains($"Total params: {4736 + 16 * (32 + 16 + 1) + 2 * 17:N0}", summary);
    }

    [Fact]
    public void Weight_shapes_follow_Keras_layout()
    {
        var layout = new WeightLayout(new ModelSpec(4, [new LayerSpec(CellType.Lstm, 8), new LayerSpec(CellType.Gru, 6)], 2));
        Assert.Equal([4, 32], layout["lstm_0/kernel"].Shape);
        Assert.Equal([8, 32], layout["lstm_0/recurrent_kernel"].Shape);
        Assert.Equal([32], layout["lstm_0/bias"].Shape);
        Assert.Equal([8, 18], layout["gru_1/kernel"].Shape);
        Assert.Equal([2, 18], layout["gru_1/bias"].Shape);
        Assert.Equal([6, 2], layout["dense/kernel"].Shape);
        Assert.Equal([2], layout["dense/bias"].Shape);
    }

    public static TheoryData<string, Func<ModelSpec>> InvalidSpecs() => new()
    {
        { "InputFeatures", () => ModelSpec.Single(CellType.Lstm, 0, 8, 1) },
        { "Layers", () => new ModelSpec(4, [], 1) },
        { "Layers[1].Units", () => new ModelSpec(4, [new LayerSpec(CellType.Lstm, 8), new LayerSpec(CellType.Gru, 0)], 1) },
        { "Layers[0].Units", () => ModelSpec.Single(CellType.Gru, 4, ModelSpec.MaxUnits + 1, 1) },
        { "Layers[0].Activation", () => new ModelSpec(4, [new LayerSpec(CellType.Lstm, 8, Activation.Relu)], 1) },
        { "Layers[0].Cell", () => new ModelSpec(4, [new LayerSpec((CellType)9, 8)], 1) },
        { "OutputUnits", () => ModelSpec.Single(CellType.Lstm, 4, 8, 0) },
        { "Horizon", () => ModelSpec.Single(CellType.Lstm, 4, 8, 1, horizon: 0) },
    };

    [Theory]
    [MemberData(nameof(InvalidSpecs))]
    public void An_invalid_spec_fails_naming_its_field(string field, Func<ModelSpec> build)
    {
        var error = Assert.Throws<ModelSpecException>(build);
        Assert.Equal(field, error.Field);
        Assert.Contains($"'{field}'", error.Message);
    }
}
