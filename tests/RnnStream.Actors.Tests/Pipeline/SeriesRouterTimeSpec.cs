using Akka.Actor;
using Akka.Streams;
using Akka.Streams.Dsl;
using Akka.Streams.TestKit;
using Akka.TestKit;
using RnnStream.Actors.Pipeline;
using RnnStream.Actors.Series;
using RnnStream.Actors.Training;
using RnnStream.Feeds.Records;
using RnnStream.Model.Weights;
using Xunit;

namespace RnnStream.Actors.Tests.Pipeline;

/// <summary>Passivation and retrain schedules, driven by the test scheduler: virtual time, no real waiting.</summary>
public sealed class SeriesRouterTimeSpec() : Akka.TestKit.Xunit2.TestKit(Harness.TestSchedulerConfig)
{
    private TestScheduler Clock => (TestScheduler)Sys.Scheduler;

    private static RetrainOutcome Outcome(long from) => new(from, null, 0, 0, 0, 0, RetrainVerdict.NotBetter, "test");

    [Fact]
    public async Task Idle_series_are_passivated_and_come_back_with_their_state()
    {
        string[] series = ["a", "b"];
        var first = Ticks.Interleaved(series, 12).ToList();
        var second = Ticks.Interleaved(series, 12, firstStep: 12).ToList();

        var passivating = new Harness(Sys, router: new RouterSettings { Partitions = 2, IdleTimeout = TimeSpan.FromMinutes(1), PassivationScan = TimeSpan.FromSeconds(10) });
        var router = passivating.Router();
        var (source, sink) = this.SourceProbe<Tick>().Via(SeriesRouter.OnePerPrediction(router)).ToMaterialized(this.SinkProbe<Prediction>(), Keep.Both).Run(Sys.Materializer());
        sink.Request(100);
        first.ForEach(t => source.SendNext(t));
        var beforeIdle = sink.ExpectNextN(first.Count);

        Clock.Advance(TimeSpan.FromMinutes(2));
        await AwaitAssertAsync(async () => Assert.Equal((0, 2), await passivating.CountSeries()));

        second.ForEach(t => source.SendNext(t));
        var afterIdle = sink.ExpectNextN(second.Count);
        source.SendComplete();
        sink.ExpectComplete();
        Assert.Equal((2, 0), await passivating.CountSeries());

        // The same ticks without passivation give the same forecasts, bit for bit.
        var uninterrupted = new Harness(Sys);
        var (referenceSource, referenceSink) = this.SourceProbe<Tick>().Via(SeriesRouter.OnePerPrediction(uninterrupted.Router())).ToMaterialized(this.SinkProbe<Prediction>(), Keep.Both).Run(Sys.Materializer());
        referenceSink.Request(100);
        first.Concat(second).ToList().ForEach(t => referenceSource.SendNext(t));
        var reference = referenceSink.ExpectNextN(first.Count + second.Count);
        referenceSource.SendComplete();

        foreach (var id in series)
        {
            var got = beforeIdle.Concat(afterIdle).Where(p => p.SeriesId == id).Select(p => p.Predicted[0]);
            var want = reference.Where(p => p.SeriesId == id).Select(p => p.Predicted[0]);
            Assert.Equal(want, got);
        }
    }

    [Fact]
    public void A_live_retrain_schedule_fires_on_the_clock_without_holding_the_stream()
    {
        var harness = new Harness(Sys);
        int retrains = 0;
        var schedule = new RetrainSchedule { Mode = RetrainMode.Live, EveryWallClock = TimeSpan.FromMinutes(1) };
        var router = harness.Router(schedule: schedule, retrain: _ => Task.FromResult(Outcome(Interlocked.Increment(ref retrains))));
        var (source, sink) = this.SourceProbe<Tick>().Via(SeriesRouter.OnePerPrediction(router)).ToMaterialized(this.SinkProbe<Prediction>(), Keep.Both).Run(Sys.Materializer());
        sink.Request(100);
        source.SendNext(Ticks.At("a", 0, 1f, 2f));
        sink.ExpectNext();

        Clock.Advance(TimeSpan.FromSeconds(59));
        Assert.Equal(0, Volatile.Read(ref retrains));
        for (int minute = 1; minute <= 3; minute++)
        {
            Clock.Advance(TimeSpan.FromMinutes(1));
            AwaitCondition(() => Volatile.Read(ref retrains) == minute);
        }
        source.SendNext(Ticks.At("a", 1, 1f, 2f));
        sink.ExpectNext();
        source.SendComplete();
    }

    [Fact]
    public void In_replay_mode_the_stream_waits_at_the_swap_point_and_every_series_uses_the_new_version_after_it()
    {
        var harness = new Harness(Sys);
        var gate = new TaskCompletionSource<RetrainOutcome>();
        DateTime? seenCutoff = null;
        var schedule = new RetrainSchedule { Mode = RetrainMode.Replay, EveryTicks = 9 };
        var router = harness.Router(schedule: schedule, retrain: cutoff =>
        {
            seenCutoff = cutoff;
            return gate.Task;
        });
        var (source, sink) = this.SourceProbe<Tick>().Via(SeriesRouter.OnePerPrediction(router)).ToMaterialized(this.SinkProbe<Prediction>(), Keep.Both).Run(Sys.Materializer());
        sink.Request(100);
        foreach (var tick in Ticks.Interleaved(["a", "b", "c"], 6)) source.SendNext(tick);

        var beforeSwap = sink.ExpectNextN(9);
        sink.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        Assert.All(beforeSwap, p => Assert.Equal(0, p.WeightsVersion));

        harness.Registry.Promote(WeightInitializer.Initialize(harness.Spec, seed: 5).WithVersion(1));
        gate.SetResult(Outcome(0));
        var afterSwap = sink.ExpectNextN(9);
        Assert.All(afterSwap, p => Assert.Equal(1, p.WeightsVersion));
        Assert.Null(seenCutoff);
        source.SendComplete();
        sink.ExpectComplete();
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_live_feed_quiet_for_a_checkpoint_interval_is_checkpointed_after_its_last_record_and_a_replay_waits_for_its_next_tick(bool live)
    {
        var harness = new Harness(Sys);
        var (checkpoints, cuts) = CheckpointsEverySecond(cutWhenQuiet: live);
        var router = new SeriesRouter(harness.Partitions, harness.RouterSettings, checkpoints: checkpoints);
        var (source, sink) = this.SourceProbe<Tick>().Via(SeriesRouter.OnePerPrediction(router)).ToMaterialized(this.SinkProbe<Prediction>(), Keep.Both).Run(Sys.Materializer());
        sink.Request(100);
        for (int step = 0; step < 3; step++) source.SendNext(Ticks.At("a", step, 1f, 2f));
        sink.ExpectNextN(3);

        // Ticks came during the first interval: it is not quiet yet.
        Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Empty(cuts);
        // A whole interval without a tick: a live feed's checkpoint covers every record taken.
        Clock.Advance(TimeSpan.FromSeconds(1));
        if (live) AwaitCondition(() => cuts.Count == 1);
        else Assert.Empty(cuts);

        source.SendNext(Ticks.At("a", 3, 1f, 2f));
        sink.ExpectNext();
        // A replay's due checkpoint is taken at its next tick, the cut before it; the live feed's second comes with the next quiet interval.
        if (!live) AwaitCondition(() => cuts.Count == 1);
        Assert.Equal(new RouterCut(3, 0, 3), cuts.First());
        Clock.Advance(TimeSpan.FromSeconds(1));
        Clock.Advance(TimeSpan.FromSeconds(1));
        if (live)
        {
            AwaitCondition(() => cuts.Count == 2);
            Assert.Equal(new RouterCut(4, 0, 4), cuts.Last());
        }
        else Assert.Single(cuts);
        source.SendComplete();
        sink.ExpectComplete();
    }

    [Fact]
    public void A_quiet_live_feeds_checkpoint_covers_the_lines_set_aside_after_its_last_tick_even_when_no_tick_came_since_the_last_checkpoint()
    {
        var harness = new Harness(Sys);
        var (checkpoints, cuts) = CheckpointsEverySecond(cutWhenQuiet: true);
        long lastRejected = -1;
        var router = new SeriesRouter(harness.Partitions, harness.RouterSettings, checkpoints: checkpoints) { LastRejectedOffset = () => Volatile.Read(ref lastRejected) };
        var (source, sink) = this.SourceProbe<Tick>().Via(SeriesRouter.OnePerPrediction(router)).ToMaterialized(this.SinkProbe<Prediction>(), Keep.Both).Run(Sys.Materializer());
        sink.Request(100);
        for (int step = 0; step < 3; step++) source.SendNext(Ticks.At("a", step, 1f, 2f));
        sink.ExpectNextN(3);

        // The records at 3 and 4 were set aside before the router: the quiet checkpoint's cut comes after them.
        Volatile.Write(ref lastRejected, 4);
        Clock.Advance(TimeSpan.FromSeconds(1));
        Clock.Advance(TimeSpan.FromSeconds(1));
        AwaitCondition(() => cuts.Count == 1);
        Assert.Equal(new RouterCut(5, 0, 3), cuts.Last());

        // One more line set aside and no tick: the next quiet interval covers it; one with nothing new takes no checkpoint.
        Volatile.Write(ref lastRejected, 5);
        Clock.Advance(TimeSpan.FromSeconds(1));
        AwaitCondition(() => cuts.Count == 2);
        Assert.Equal(new RouterCut(6, 0, 3), cuts.Last());
        Clock.Advance(TimeSpan.FromSeconds(1));
        source.SendNext(Ticks.At("a", 6, 1f, 2f));
        sink.ExpectNext();
        Clock.Advance(TimeSpan.FromSeconds(1));
        Clock.Advance(TimeSpan.FromSeconds(1));
        AwaitCondition(() => cuts.Count >= 3);
        Assert.Equal([new RouterCut(5, 0, 3), new RouterCut(6, 0, 3), new RouterCut(7, 0, 4)], cuts);
        source.SendComplete();
        sink.ExpectComplete();
    }

    /// <summary>Checkpoints due every second of the test clock, each cut kept in the order taken (and taken at once).</summary>
    private static (RouterCheckpoints Checkpoints, System.Collections.Concurrent.ConcurrentQueue<RouterCut> Cuts) CheckpointsEverySecond(bool cutWhenQuiet)
    {
        var cuts = new System.Collections.Concurrent.ConcurrentQueue<RouterCut>();
        var checkpoints = new RouterCheckpoints(0, 0, cut =>
        {
            cuts.Enqueue(cut);
            return Task.CompletedTask;
        }) { Interval = TimeSpan.FromSeconds(1), CutWhenQuiet = cutWhenQuiet };
        return (checkpoints, cuts);
    }

    [Theory]
    [InlineData(false, 1)]
    [InlineData(true, 1)]
    [InlineData(false, 18)]
    [InlineData(true, 18)]
    [InlineData(true, 5)]
    public void An_overlapped_replay_retrain_takes_effect_a_fixed_number_of_ticks_after_its_cut_however_slow_the_trainer_and_however_the_feed_batches(bool slowTrainer, int batchSize)
    {
        var harness = new Harness(Sys);
        var gate = new TaskCompletionSource<RetrainOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
        var candidate = WeightInitializer.Initialize(harness.Spec, seed: 5).WithVersion(1);
        var schedule = new RetrainSchedule { Mode = RetrainMode.Replay, EveryTicks = 9, TakesEffectAfterTicks = 4 };
        var heard = new List<RetrainOutcome>();
        var router = new SeriesRouter(harness.Partitions, harness.RouterSettings, new RouterRetrains(schedule, _ => throw new InvalidOperationException("a replay with an effect point overlaps"))
        {
            StartOverlapped = _ =>
            {
                var outcome = new RetrainOutcome(0, candidate, 8, 1, 1, 0.5, RetrainVerdict.Promoted, "test");
                if (!slowTrainer) gate.SetResult(outcome);
                return new OverlappedRetrain(Task.CompletedTask, gate.Task);
            },
            OnOutcome = outcome =>
            {
                heard.Add(outcome);
                harness.Registry.Promote(outcome.Promoted!);
            },
        });
        var (source, sink) = Batched(router);
        sink.Request(100);
        foreach (var batch in Ticks.Interleaved(["a", "b", "c"], 6).Chunk(batchSize)) source.SendNext(RecordBatch.Of(batch));

        // The retrain is cut before the 10th tick; the stream goes on with the old weights for 4 more ticks, then waits for the candidate if it must.
        var before = sink.ExpectNextN(13);
        if (slowTrainer)
        {
            sink.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
            Assert.Empty(heard);
            gate.SetResult(new RetrainOutcome(0, candidate, 8, 1, 1, 0.5, RetrainVerdict.Promoted, "test"));
        }
        var after = sink.ExpectNextN(5);
        Assert.All(before, p => Assert.Equal(0, p.WeightsVersion));
        Assert.All(after, p => Assert.Equal(1, p.WeightsVersion));
        Assert.Single(heard);
        source.SendComplete();
        sink.ExpectComplete();
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(18)]
    public void No_checkpoint_falls_between_an_overlapped_retrains_cut_and_its_effect_and_one_due_meanwhile_is_taken_there_however_the_feed_batches(int batchSize)
    {
        var replay = OverlappedReplayWithCheckpoints();
        // One tick per offset (a step per series each), so every tick may be a cut; a cut falls inside a batch as well as between two.
        foreach (var batch in Ticks.Interleaved(["a"], 18).Chunk(batchSize)) replay.Source.SendNext(RecordBatch.Of(batch));

        replay.Sink.ExpectNextN(13);
        replay.Release();
        replay.Sink.ExpectNextN(5);
        replay.Source.SendComplete();
        replay.Sink.ExpectComplete();
        // Every three ticks up to the retrain's cut before tick 9; none from there until its candidate took effect before tick 13,
        // where the one that came due meanwhile is taken; then every three again, and the last inside the final tick's record.
        Assert.Equal([3L, 6, 9, 13, 16, 17], replay.Cuts.Select(c => c.NextOffset));
    }

    [Fact]
    public void A_stream_that_ends_while_an_overlapped_retrains_candidate_is_pending_takes_no_final_checkpoint_but_ends_on_the_candidate()
    {
        var replay = OverlappedReplayWithCheckpoints();
        // The stream stops two ticks after the retrain's cut (a drain, or the end of the file), before its candidate's point.
        foreach (var tick in Ticks.Interleaved(["a"], 11)) replay.Source.SendNext(RecordBatch.Of(tick));
        replay.Sink.ExpectNextN(11);
        replay.Source.SendComplete();
        replay.Sink.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        replay.Release();
        replay.Sink.ExpectComplete();

        // A last cut at the stream's end (10) would resume with the candidate in effect from there, before the uninterrupted
        // run puts it in effect (13): the resume goes on from the checkpoint before the retrain's cut instead, and forecasts
        // those ticks again.
        Assert.Equal([3L, 6, 9], replay.Cuts.Select(c => c.NextOffset));
        // The run's final weights still hold the candidate.
        Assert.Equal(1L, replay.Harness.Registry.Version);
    }

    /// <summary>
    /// A replay checkpointed every 3 ticks and retrained every 9 beside the stream: the candidate
    /// (version 1) is ready once <c>Release</c> is called, and takes effect 4 ticks after its cut.
    /// </summary>
    private (TestPublisher.Probe<RecordBatch> Source, TestSubscriber.Probe<Prediction> Sink, System.Collections.Concurrent.ConcurrentQueue<RouterCut> Cuts,
        Action Release, Harness Harness) OverlappedReplayWithCheckpoints()
    {
        var harness = new Harness(Sys);
        var gate = new TaskCompletionSource<RetrainOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
        var candidate = WeightInitializer.Initialize(harness.Spec, seed: 5).WithVersion(1);
        var cuts = new System.Collections.Concurrent.ConcurrentQueue<RouterCut>();
        var checkpoints = new RouterCheckpoints(3, 0, cut =>
        {
            cuts.Enqueue(cut);
            return Task.CompletedTask;
        });
        var schedule = new RetrainSchedule { Mode = RetrainMode.Replay, EveryTicks = 9, TakesEffectAfterTicks = 4 };
        var router = new SeriesRouter(harness.Partitions, harness.RouterSettings, new RouterRetrains(schedule, _ => throw new InvalidOperationException("overlapped"))
        {
            StartOverlapped = _ => new OverlappedRetrain(Task.CompletedTask, gate.Task),
            OnOutcome = outcome => harness.Registry.Promote(outcome.Promoted!),
        }, checkpoints);
        var (source, sink) = Batched(router);
        sink.Request(100);
        return (source, sink, cuts, () => gate.SetResult(new RetrainOutcome(0, candidate, 8, 1, 1, 0.5, RetrainVerdict.Promoted, "test")), harness);
    }

    /// <summary>The router fed the feed's batches by a probe, its predictions taken one by one.</summary>
    private (TestPublisher.Probe<RecordBatch> Source, TestSubscriber.Probe<Prediction> Sink) Batched(SeriesRouter router) =>
        this.SourceProbe<RecordBatch>().Via(SeriesRouter.Create(router)).Via(Feeds.Sinks.Unbatched.Predictions).ToMaterialized(this.SinkProbe<Prediction>(), Keep.Both).Run(Sys.Materializer());
}
