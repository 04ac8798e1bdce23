using System.Collections.Concurrent;
using Akka.Configuration;
using Akka.Persistence.TestKit;
using Akka.Streams.Dsl;
using RnnStream.Actors.Persistence;
using RnnStream.Actors.Pipeline;
using RnnStream.Actors.Training;
using RnnStream.Feeds.Records;
using RnnStream.Feeds.Sinks;
using RnnStream.Model.Specs;
using RnnStream.Model.Weights;
using Xunit;

namespace RnnStream.Actors.Tests.Persistence;

/// <summary>
/// The durable pipeline against Akka.Persistence.TestKit's journal and snapshot store (wired in by
/// HOCON), whose writes a test can make fail.
/// </summary>
public sealed class DurableRunSpec() : Akka.TestKit.Xunit2.TestKit(TestStores.Config.WithFallback(PersistenceConfig.RecordSerialization).WithFallback(PipelineConfig.Config))
{
    private static readonly string[] SeriesIds = ["a", "b", "c"];
    private const int Steps = 160;

    private static ModelWeights Weights => WeightInitializer.Initialize(new ModelSpec(2, [new LayerSpec(CellType.Gru, 6)], 1), 3);

    /// <summary>Replay retrains every 60 ticks, so the weights change along the way and a resume must bring back the right version and replay buffer.</summary>
    private static PipelineSettings Settings() => new()
    {
        Series = Harness.DefaultSettings,
        Schedule = new RetrainSchedule { EveryTicks = 60 },
        Retrain = new RetrainSettings { Batches = 5, BatchSize = 8, MinWindows = 4 },
        ReplayCapacity = 64,
    };

    /// <param name="failAfter">The output throws on this many-plus-first prediction (a failing sink); null never.</param>
    private async Task<(List<Prediction> Predictions, RunHandle Run)> RunAsync(int steps, Durability? durability, int? failAfter = null, PipelineSettings? settings = null)
    {
        var predictions = new ConcurrentQueue<Prediction>();
        var feed = Source.From(Ticks.Interleaved(SeriesIds, steps).Select(t => (FeedRecord)t).ToList());
        var run = LivePipeline.Run(Sys, feed, Weights, settings ?? Settings(),
            Unbatched.Into(Sink.ForEach<Prediction>(p =>
            {
                if (predictions.Count == failAfter) throw new IOException("disk full");
                predictions.Enqueue(p);
            }).MapMaterializedValue(t => (Task)t)),
            Sink.Ignore<Rejected>().MapMaterializedValue(t => (Task)t), durability: durability);
        try
        {
            await run.Completion.WaitAsync(TimeSpan.FromSeconds(60));
        }
        catch (TimeoutException)
        {
            var stats = durability?.Stats;
            throw new TimeoutException($"the run did not finish: {predictions.Count} predictions written of {3 * steps}, metrics {run.Metrics.Predictions}, " +
                $"retrains {run.Metrics.RetrainsStarted} started / {run.Metrics.Retrains.Count} done, checkpoints {stats?.StartedCount} started / {stats?.CommittedCount} committed / {stats?.FailedCount} failed");
        }
        return (predictions.ToList(), run);
    }

    private static string Key(Prediction p) =>
        $"{p.SeriesId}@{p.Offset}:{string.Join(";", p.Predicted.ToArray().Select(v => v.ToString("R")))}|{p.Lower[0]:R}|{p.Upper[0]:R}|v{p.WeightsVersion}|{p.Forecaster}";

    [Fact]
    public async Task A_run_resumed_from_its_last_checkpoint_forecasts_exactly_what_the_uninterrupted_run_did()
    {
        var (uninterrupted, whole) = await RunAsync(Steps, durability: null);
        Assert.True(whole.Registry.Version >= 1, "the schedule should have promoted at least one version");

        var first = await Durability.OpenAsync(Sys, checkpointEvery: 50, TimeSpan.FromSeconds(10));
        Assert.False(first.IsResumed);
        var (before, stopped) = await RunAsync(100, first);
        Assert.True(first.Stats.CommittedCount >= 2);

        var second = await Durability.OpenAsync(Sys, checkpointEvery: 50, TimeSpan.FromSeconds(10));
        Assert.True(second.IsResumed);
        // The end of a feed is a cut inside its last record (it may have been a drain): offset 99, its 3 ticks taken.
        Assert.Equal((99L, 3), (second.Cut!.NextOffset, second.Cut.SkipAtNextOffset));
        Assert.Equal(stopped.Registry.Version, second.Weights!.Version);
        var (after, resumed) = await RunAsync(Steps, second);

        Assert.Equal(3 * (Steps - 100), after.Count);
        Assert.Equal(uninterrupted.Select(Key).Order(), before.Concat(after).Select(Key).Order());
        Assert.Equal(whole.Registry.Version, resumed.Registry.Version);

        // The scores came through the checkpoint too: per series exactly (each series is scored in its own order),
        // overall up to the order in which series were added.
        Assert.Equal(whole.Metrics.Predictions, resumed.Metrics.Predictions);
        foreach (var id in SeriesIds)
        {
            var (expected, actual) = (whole.Metrics.PerSeries[id], resumed.Metrics.PerSeries[id]);
            Assert.Equal((expected.Count, expected.SumAbsError, expected.SumSquaredError, expected.SumAbsNaiveError, expected.Inside),
                (actual.Count, actual.SumAbsError, actual.SumSquaredError, actual.SumAbsNaiveError, actual.Inside));
        }
        Assert.Equal(whole.Metrics.Overall.Mase, resumed.Metrics.Overall.Mase, 12);
    }

    [Fact]
    public async Task With_live_retrains_beside_the_stream_checkpoints_still_commit_and_every_tick_is_forecast()
    {
        var durability = await Durability.OpenAsync(Sys, checkpointEvery: 30, TimeSpan.FromSeconds(10));
        var live = Settings() with { Schedule = new RetrainSchedule { Mode = RetrainMode.Live, EveryTicks = 45 } };

        var (predictions, run) = await RunAsync(Steps, durability, settings: live);

        Assert.Equal(3 * Steps, predictions.Count);
        // Live retrains never hold the stream and run one at a time, so how many start on this short feed depends on timing.
        Assert.True(run.Metrics.RetrainsStarted >= 1, "no retrain started");
        Assert.Equal(durability.Stats.StartedCount, durability.Stats.CommittedCount);
        Assert.True(durability.Stats.CommittedCount >= 10, $"{durability.Stats.CommittedCount} committed");
    }

    [Fact]
    public async Task A_socket_feed_resumed_after_a_restart_forecasts_every_new_line_though_its_offsets_start_again()
    {
        await RunAsync(100, await Durability.OpenAsync(Sys, checkpointEvery: 50, TimeSpan.FromSeconds(10)));
        var resumed = await Durability.OpenAsync(Sys, checkpointEvery: 50, TimeSpan.FromSeconds(10));
        Assert.True(resumed.IsResumed);

        // Lines arriving on a new connection are numbered from 0 again.
        var newLines = Ticks.Interleaved(SeriesIds, 60, firstStep: 100)
            .Select((t, i) => (FeedRecord)new Tick(t.SeriesId, t.Timestamp, t.RawTimestamp, t.Values, i / SeriesIds.Length, t.Format)).ToList();
        var predictions = new ConcurrentQueue<Prediction>();
        var run = LivePipeline.Run(Sys, Source.From(newLines), Weights, Settings() with { ReplayableFeed = false },
            Unbatched.Into(Sink.ForEach<Prediction>(predictions.Enqueue).MapMaterializedValue(t => (Task)t)),
            Sink.Ignore<Rejected>().MapMaterializedValue(t => (Task)t), durability: resumed);
        await run.Completion.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(180, predictions.Count);
        Assert.Equal(300 + 180, run.Metrics.Predictions);
    }

    [Fact]
    public async Task A_failing_sink_stops_the_run_with_its_error_and_a_restart_continues_from_the_last_commit_exactly()
    {
        var (uninterrupted, _) = await RunAsync(Steps, durability: null);

        var first = await Durability.OpenAsync(Sys, checkpointEvery: 50, TimeSpan.FromSeconds(10));
        var failure = await Assert.ThrowsAsync<IOException>(() => RunAsync(Steps, first, failAfter: 200));
        Assert.Equal("disk full", failure.Message);
        // What a process exit would do; left running, it could commit a later checkpoint and delete the one the second resumes from.
        await first.CloseAsync(TimeSpan.FromSeconds(10));

        var second = await Durability.OpenAsync(Sys, checkpointEvery: 50, TimeSpan.FromSeconds(10));
        Assert.True(second.IsResumed);
        long from = second.Last!.NextOffset;
        Assert.InRange(from, 17, 67);
        var (after, _) = await RunAsync(Steps, second);
        Assert.Equal(uninterrupted.Where(p => p.Offset >= from).Select(Key).Order(), after.Select(Key).Order());
    }

    [Fact]
    public async Task Failing_snapshot_writes_leave_checkpoints_uncommitted_while_every_tick_is_still_forecast_and_the_failure_is_counted_and_logged()
    {
        var snapshots = TestSnapshotStore.FromRef(Akka.Persistence.Persistence.Instance.Apply(Sys).SnapshotStoreFor(null));
        await snapshots.OnSave.Fail();
        var durability = await Durability.OpenAsync(Sys, checkpointEvery: 50, TimeSpan.FromSeconds(10));

        // 300 ticks, a checkpoint every 50 (at the next record after 50 ticks) and one at the end: six, each logged as not committed.
        await EventFilter.Error(start: "checkpoint").ExpectAsync(6, async () =>
        {
            var (predictions, _) = await RunAsync(100, durability);
            Assert.Equal(300, predictions.Count);
        });

        Assert.Equal(0, durability.Stats.CommittedCount);
        Assert.Equal(6, durability.Stats.StartedCount);
        Assert.Equal(6, durability.Stats.FailedCount);
    }

    [Fact]
    public async Task A_failing_journal_restarts_the_coordinator_with_backoff_the_stream_goes_on_and_checkpoints_commit_once_it_is_back()
    {
        var journal = TestJournal.FromRef(Akka.Persistence.Persistence.Instance.Apply(Sys).JournalFor(null));
        await journal.OnWrite.Fail();
        var durability = await Durability.OpenAsync(Sys, checkpointEvery: 50, TimeSpan.FromSeconds(10));

        var (predictions, _) = await RunAsync(100, durability);
        Assert.Equal(300, predictions.Count);
        Assert.Equal(0, durability.Stats.CommittedCount);

        await journal.OnWrite.Pass();
        var (later, _) = await RunAsync(100, await Durability.OpenAsync(Sys, checkpointEvery: 50, TimeSpan.FromSeconds(10)) is var healthy ? healthy : null);
        Assert.Equal(300, later.Count);
        Assert.True(healthy.Stats.CommittedCount >= 2, $"{healthy.Stats.CommittedCount} committed after the journal came back");
    }
}
