using RnnStream.Actors.Series;
using RnnStream.Model.Inference;
using RnnStream.Model.Specs;
using RnnStream.Model.Weights;
using Xunit;

namespace RnnStream.Actors.Tests.Series;

public sealed class SeriesStateSerializerTests
{
    [Theory]
    [InlineData(false, ForecasterChoice.Network)]
    [InlineData(true, ForecasterChoice.Best)]
    public void A_restored_series_forecasts_exactly_what_the_uninterrupted_one_does(bool predictChange, ForecasterChoice choice)
    {
        var settings = Harness.DefaultSettings with { PredictChange = predictChange, Forecaster = choice, Horizon = 2 };
        var network = new InferenceNetwork(WeightInitializer.Initialize(new ModelSpec(2, [new LayerSpec(CellType.Lstm, 8), new LayerSpec(CellType.Gru, 4)], 1, 2), 5));
        var forecaster = new SeriesForecaster(settings);
        var original = forecaster.CreateState("s", network);
        foreach (var tick in Ticks.Interleaved(["s"], 40)) forecaster.Process(original, tick, network, null);

        byte[] bytes = SeriesStateSerializer.Write(original);
        var restored = SeriesStateSerializer.Read(bytes, settings, network.StateLayout);

        Assert.Equal(SeriesStateSerializer.Write(original), SeriesStateSerializer.Write(restored));
        foreach (var tick in Ticks.Interleaved(["s"], 30, firstStep: 40))
        {
            var expected = forecaster.Process(original, tick, network, null);
            var actual = forecaster.Process(restored, tick, network, null);
            Assert.Equal(expected.Predicted.ToArray(), actual.Predicted.ToArray());
            Assert.Equal(expected.Lower.ToArray(), actual.Lower.ToArray());
            Assert.Equal(expected.Forecaster, actual.Forecaster);
            Assert.Equal(expected.Matured?.Predicted.ToArray(), actual.Matured?.Predicted.ToArray());
        }
        Assert.InRange(bytes.Length, 100, 2000);
    }

    [Fact]
    public void A_state_keeps_tick_times_only_for_time_features_and_reads_past_those_an_older_state_kept()
    {
        var timed = Harness.DefaultSettings with { TimeFeatures = true };
        var timedNetwork = new InferenceNetwork(WeightInitializer.Initialize(new ModelSpec(timed.NetworkInputs, [new LayerSpec(CellType.Gru, 4)], 1), 5));
        var forecaster = new SeriesForecaster(timed);
        var original = forecaster.CreateState("s", timedNetwork);
        foreach (var tick in Ticks.Interleaved(["s"], 40)) forecaster.Process(original, tick, timedNetwork, null);
        Assert.Equal(timed.WindowLength, original.RecentSeconds.Length);
        Assert.Empty(new SeriesForecaster(Harness.DefaultSettings).CreateState("t", timedNetwork).RecentSeconds);

        // What a state without time features looked like when every state kept its ticks' times.
        var untimed = SeriesStateSerializer.Read(SeriesStateSerializer.Write(original), Harness.DefaultSettings, timedNetwork.StateLayout);

        Assert.Empty(untimed.RecentSeconds);
        Assert.Equal(original.RecentValues, untimed.RecentValues);
        Assert.Equal(original.Owed, untimed.Owed);
        Assert.Equal((original.RecentCount, original.RecentStart, original.TicksSeen, original.LastTimestamp, original.WeightsVersion),
            (untimed.RecentCount, untimed.RecentStart, untimed.TicksSeen, untimed.LastTimestamp, untimed.WeightsVersion));
        var reread = SeriesStateSerializer.Read(SeriesStateSerializer.Write(untimed), Harness.DefaultSettings, timedNetwork.StateLayout);
        Assert.Equal(SeriesStateSerializer.Write(untimed), SeriesStateSerializer.Write(reread));
        Assert.Throws<InvalidDataException>(() => SeriesStateSerializer.Read(SeriesStateSerializer.Write(untimed), timed, timedNetwork.StateLayout));
    }

    [Fact]
    public void A_state_of_another_format_or_shape_is_refused()
    {
        var network = new InferenceNetwork(WeightInitializer.Initialize(new ModelSpec(2, [new LayerSpec(CellType.Gru, 4)], 1), 5));
        var forecaster = new SeriesForecaster(Harness.DefaultSettings);
        byte[] bytes = SeriesStateSerializer.Write(forecaster.CreateState("s", network));

        var future = (byte[])bytes.Clone();
        future[0] = 99;
        Assert.Contains("format 99", Assert.Throws<InvalidDataException>(() => SeriesStateSerializer.Read(future, Harness.DefaultSettings, network.StateLayout)).Message);
        Assert.Throws<InvalidDataException>(() => SeriesStateSerializer.Read(bytes, Harness.DefaultSettings with { WindowLength = 32 }, network.StateLayout));
    }
}
