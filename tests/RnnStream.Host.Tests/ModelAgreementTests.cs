using RnnStream.Actors.Series;
using RnnStream.Host.Configuration;
using RnnStream.Model.Specs;
using Xunit;

namespace RnnStream.Host.Tests;

public sealed class ModelAgreementTests
{
    private static readonly SeriesSettings Series = new() { FeatureNames = ["close"], TargetIndices = [0], PredictChange = true, WindowLength = 64 };
    private static readonly ModelSpec Spec = new(1, [new LayerSpec(CellType.Gru, 32)], 1);

    [Fact]
    public void The_same_settings_agree()
    {
        string described = ModelAgreement.Describe(Spec, Series, 16);
        Assert.Empty(ModelAgreement.Differences(described, ModelAgreement.Describe(new(1, [new LayerSpec(CellType.Gru, 32)], 1), Series with { }, 16)));
        Assert.Contains("series.WindowLength = 64", described);
        Assert.Contains("model.Layers[0].Cell = \"Gru\"", described);
    }

    [Fact]
    public void Each_difference_is_named_with_both_values()
    {
        string here = ModelAgreement.Describe(Spec, Series, 16);
        string there = ModelAgreement.Describe(new(1, [new LayerSpec(CellType.Gru, 32), new LayerSpec(CellType.Gru, 16)], 1),
            Series with { WindowLength = 96, TimeFeatures = true }, 8);

        var differences = ModelAgreement.Differences(here, there);

        Assert.Contains("series.WindowLength: here 64, there 96", differences);
        Assert.Contains("series.TimeFeatures: here false, there true", differences);
        Assert.Contains("router.partitions: here 16, there 8", differences);
        Assert.Contains("model.Layers[1].Units: here (none), there 16", differences);
        Assert.All(differences, difference => Assert.DoesNotContain("FeatureNames", difference));
    }
}
