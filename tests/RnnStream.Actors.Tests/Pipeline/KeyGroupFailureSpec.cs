using Akka.Actor;
using Akka.Streams.Dsl;
using RnnStream.Actors.Pipeline;
using RnnStream.Actors.Series;
using RnnStream.Actors.Training;
using RnnStream.Feeds.Records;
using RnnStream.Feeds.Sinks;
using RnnStream.Model.Specs;
using RnnStream.Model.Weights;
using RnnStream.Actors.Protocol;
using Xunit;

namespace RnnStream.Actors.Tests.Pipeline;

/// <summary>
/// A key group that fails must fail the run with its reason: never come back silently with the state
/// of the run's start, never leave the stream waiting for the batch it had in hand. And a retrain that
/// never answers is counted as failed after its timeout while the stream goes on.
/// </summary>
public sealed class KeyGroupFailureSpec() : Akka.TestKit.Xunit2.TestKit(PipelineConfig.Config)
{
    private static readonly ModelWeights Weights = WeightInitializer.Initialize(new ModelSpec(2, [new LayerSpec(CellType.Gru, 4)], 1), 1);

    /// <summary>A live feed: 300 ticks, then silence, so the run is still going when the fault comes.</summary>
    private RunHandle StartEndlessRun(List<Prediction> predictions, PipelineSettings? settings = null) =>
        LivePipeline.Run(Sys, Source.From(Ticks.Interleaved(["a", "b", "c"], 100).Select(t => (FeedRecord)t).ToList()).Concat(Source.Never<FeedRecord>()),
            Weights, settings ?? new PipelineSettings { Series = Harness.DefaultSettings },
            Unbatched.Into(Sink.ForEach<Prediction>(p => { lock (predictions) predictions.Add(p); }).MapMaterializedValue(t => (Task)t)),
            Sink.Ignore<Rejected>().MapMaterializedValue(t => (Task)t));

    [Fact]
    public async Task A_key_group_that_throws_stops_and_fails_the_run_with_its_number_and_the_reason()
    {
        var predictions = new List<Prediction>();
        var run = StartEndlessRun(predictions);
        AwaitCondition(() => { lock (predictions) return predictions.Count == 300; }, TimeSpan.FromSeconds(10));
        var broken = run.Partitions[3];
        Watch(broken);

        // Injected fault: a restore to a checkpoint that cannot exist throws inside the key group.
        broken.Tell(new RestoreKeyGroup(-1), ActorRefs.Nobody);

        ExpectTerminated(broken, TimeSpan.FromSeconds(10));
        var failure = await Assert.ThrowsAsync<KeyGroupFailedException>(() => run.Completion.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(3, failure.Partition);
        Assert.Equal("key group 3 failed: InvalidDataException on RestoreKeyGroup: there is no checkpoint -1: they count from 1 (0: none)", failure.Message);
    }

    [Fact]
    public async Task A_key_group_stopped_from_outside_fails_the_run_instead_of_leaving_it_waiting()
    {
        var predictions = new List<Prediction>();
        var run = StartEndlessRun(predictions);
        AwaitCondition(() => { lock (predictions) return predictions.Count == 300; }, TimeSpan.FromSeconds(10));

        Sys.Stop(run.Partitions[5]);

        var failure = await Assert.ThrowsAsync<KeyGroupFailedException>(() => run.Completion.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal("key group 5 failed: its actor stopped", failure.Message);
    }

    [Fact]
    public async Task A_retrain_that_does_not_answer_in_time_is_recorded_as_failed_and_the_stream_goes_on()
    {
        var settings = new PipelineSettings
        {
            Series = Harness.DefaultSettings,
            Schedule = new RetrainSchedule { EveryTicks = 150 },
            // Far more training than a millisecond allows.
            Retrain = new RetrainSettings { Batches = 5_000, BatchSize = 8, MinWindows = 4, Timeout = TimeSpan.FromMilliseconds(1) },
        };
        var predictions = new List<Prediction>();
        var run = LivePipeline.Run(Sys, Source.From(Ticks.Interleaved(["a", "b", "c"], 100).Select(t => (FeedRecord)t).ToList()), Weights, settings,
            Unbatched.Into(Sink.ForEach<Prediction>(predictions.Add).MapMaterializedValue(t => (Task)t)),
            Sink.Ignore<Rejected>().MapMaterializedValue(t => (Task)t));

        await run.Completion.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(300, predictions.Count);
        var retrain = Assert.Single(run.Metrics.Retrains);
        Assert.Equal(RetrainVerdict.Failed, retrain.Kind);
        Assert.Equal("failed: no answer within 00:00:00.0010000", retrain.Verdict);
        Assert.All(predictions, p => Assert.Equal(Weights.Version, p.WeightsVersion));
    }
}
