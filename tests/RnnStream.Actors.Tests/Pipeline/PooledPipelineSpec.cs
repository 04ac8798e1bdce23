using Akka.Streams.Dsl;
using RnnStream.Actors.Pipeline;
using RnnStream.Actors.Series;
using RnnStream.Actors.Training;
using RnnStream.Feeds.Records;
using RnnStream.Feeds.Sources;
using RnnStream.Model.Specs;
using RnnStream.Model.Weights;
using Xunit;

namespace RnnStream.Actors.Tests.Pipeline;

/// <summary>
/// Ticks and predictions reused from pools must never be read after they were given back: a run
/// whose source rents its ticks and whose output releases every prediction once written writes,
/// value for value, what a run that allocates every object writes, retrains included.
/// </summary>
public sealed class PooledPipelineSpec() : Akka.TestKit.Xunit2.TestKit(PipelineConfig.Config)
{
    private const int Series = 40, Bars = 150;

    private static readonly SeriesSettings Settings = new()
    {
        FeatureNames = SyntheticPrices.Features,
        TargetIndices = [3],
        WindowLength = 16,
        TrainEvery = 4,
        Horizon = 2,
    };

    [Fact]
    public async Task A_run_that_reuses_its_ticks_and_predictions_writes_exactly_what_one_that_allocates_them_writes()
    {
        var (allocated, allocatedObjects) = await RunAsync(pooled: false);
        var (pooled, pooledObjects) = await RunAsync(pooled: true);

        Assert.Equal(Series * Bars, allocated.Count);
        // Key groups answer in any order across each other; each series' own order is fixed, and each line names its offset.
        Assert.Equal(allocated.Order(StringComparer.Ordinal), pooled.Order(StringComparer.Ordinal));
        // Two retrains were promoted in both, so the swap and the re-warm ran between reused objects too.
        Assert.Contains(allocated, line => line.Contains(",v2,"));
        // Every object was new in the first run; the second reused them, a few in-flight batches' worth in all.
        Assert.Equal((Series * Bars, Series * Bars), allocatedObjects);
        Assert.InRange(pooledObjects.Ticks, 1, Series * Bars / 10);
        Assert.InRange(pooledObjects.Predictions, 1, Series * Bars / 10);
    }

    /// <returns>Every prediction as its output read it (all its values), and how many distinct tick and prediction objects carried them.</returns>
    private async Task<(List<string> Lines, (int Ticks, int Predictions) Objects)> RunAsync(bool pooled)
    {
        var ticks = new HashSet<Tick>(ReferenceEqualityComparer.Instance);
        var predictions = new HashSet<Prediction>(ReferenceEqualityComparer.Instance);
        var lines = new List<string>();
        var feed = SyntheticPrices.Create(Series, Bars, seed: 5, pooled).Select(tick =>
        {
            ticks.Add(tick);
            return (FeedRecord)tick;
        });
        var settings = new PipelineSettings
        {
            Series = Settings,
            Router = new RouterSettings { Partitions = 3, MaxInFlight = 64 },
            Schedule = new RetrainSchedule { EveryTicks = Series * Bars / 3 },
            Retrain = new RetrainSettings { Batches = 4, BatchSize = 8, MinWindows = 4 },
        };
        var weights = WeightInitializer.Initialize(new ModelSpec(Settings.NetworkInputs, [new LayerSpec(CellType.Gru, 8)], 1, Settings.Horizon), 1);
        var output = Sink.ForEach<Prediction>(prediction =>
        {
            predictions.Add(prediction);
            lines.Add($"{prediction.SeriesId},{prediction.Timestamp},{prediction.TargetTimestamp},{prediction.Offset},v{prediction.WeightsVersion},{prediction.Forecaster}," +
                      string.Join(",", prediction.Values.ToArray().Select(v => v.ToString("R"))));
            if (pooled) prediction.Release();
        }).MapMaterializedValue(done => (Task)done);
        var run = LivePipeline.Run(Sys, feed, weights, settings, output, Sink.Ignore<Rejected>().MapMaterializedValue(done => (Task)done));
        await run.Completion.WaitAsync(TimeSpan.FromMinutes(2));
        Assert.Equal(0, run.Metrics.Failures);
        return (lines, (ticks.Count, predictions.Count));
    }
}
