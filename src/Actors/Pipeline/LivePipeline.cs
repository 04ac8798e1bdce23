using Akka;
using Akka.Actor;
using Akka.Event;
using Akka.Streams;
using Akka.Streams.Dsl;
using RnnStream.Actors.Metrics;
using RnnStream.Actors.Persistence;
using RnnStream.Actors.Series;
using RnnStream.Actors.Training;
using RnnStream.Feeds.Parsing;
using RnnStream.Feeds.Records;
using RnnStream.Feeds.Sinks;
using RnnStream.Feeds.Sources;
using RnnStream.Model.Weights;

namespace RnnStream.Actors.Pipeline;

/// <summary>
/// Joins a feed to the series actors and the sinks: records → (rejects to quarantine) → ticks →
/// series router → predictions → metrics → output. Builds the node's registry, replay buffer,
/// series parent and trainer around it.
/// </summary>
public static class LivePipeline
{
    /// <summary>A feed of single records, gathered into batches as the stream takes them (<see cref="RecordBatches.Gather"/>).</summary>
    public static RunHandle Run(ActorSystem system, Source<FeedRecord, NotUsed> feed, ModelWeights initial, PipelineSettings settings,
        Sink<PredictionBatch, Task> output, Sink<Rejected, Task> quarantine, IMaterializer? materializer = null,
        Durability? durability = null, OutputCommits? outputCommits = null, KeyGroups? keyGroups = null, SharedTraining? shared = null, Func<Task>? afterRestore = null) =>
        // The kill switch before the gathering: a drain stops the feed, and what was read ahead still goes on, in one last batch.
        Start(system, feed.ViaMaterialized(KillSwitches.Single<FeedRecord>(), Stoppable).Via(RecordBatches.Gather()), initial, settings, output, quarantine, materializer,
            durability, outputCommits, keyGroups, shared, afterRestore);

    /// <param name="feed">The feed's records in batches, as a feed that reads or makes many at once hands them over.</param>
    /// <param name="durability">Checkpoints and, if it holds a committed one, the state to resume from (its weights replace <paramref name="initial"/>); null to keep nothing.</param>
    /// <param name="outputCommits">How checkpoints learn the output's committed length; null when the output has none to cut back to.</param>
    public static RunHandle Run(ActorSystem system, Source<RecordBatch, NotUsed> feed, ModelWeights initial, PipelineSettings settings,
        Sink<PredictionBatch, Task> output, Sink<Rejected, Task> quarantine, IMaterializer? materializer = null,
        Durability? durability = null, OutputCommits? outputCommits = null, KeyGroups? keyGroups = null, SharedTraining? shared = null, Func<Task>? afterRestore = null) =>
        Start(system, feed.ViaMaterialized(KillSwitches.Single<RecordBatch>(), Stoppable), initial, settings, output, quarantine, materializer,
            durability, outputCommits, keyGroups, shared, afterRestore);

    private static IKillSwitch Stoppable(NotUsed feed, UniqueKillSwitch killSwitch) => killSwitch;

    /// <param name="feed">Batches, materializing the switch that stops the feed (a drain).</param>
    private static RunHandle Start(ActorSystem system, Source<RecordBatch, IKillSwitch> feed, ModelWeights initial, PipelineSettings settings,
        Sink<PredictionBatch, Task> output, Sink<Rejected, Task> quarantine, IMaterializer? materializer,
        Durability? durability, OutputCommits? outputCommits, KeyGroups? keyGroups, SharedTraining? shared, Func<Task>? afterRestore)
    {
        var cut = durability?.Cut;
        initial = ResumedWeights(initial, durability);
        CheckFits(initial, settings, cut);

        var registry = new ModelRegistry(initial);
        var replay = new ReplayBuffer(settings.ReplayCapacity);
        var metrics = new RunMetrics(settings.ScoreFromOffset, settings.Series.IntervalZ);
        if (cut is not null)
        {
            foreach (var window in cut.ReplayWindows) replay.Add(window);
            settings.Schedule?.Restore((cut.ScheduleTicks, cut.NextRetrainTrigger));
            if (cut.Metrics.Length > 0) metrics.ImportScores(cut.Metrics);
            // Each series' last time at the cut, so a resent tick is rejected after the resume as it was before it; the
            // ticks of the cut's record already taken are then recognised by the clock, so the replay skips no count of them.
            // (Snapshots of format 2 and older carry no times: then nothing is restored and the replay skips by count.)
            var lastTimes = (durability!.PartitionStates ?? []).SelectMany(p => p).Where(s => s.Value.LastTime != default)
                .Select(s => KeyValuePair.Create(s.Key, s.Value.LastTime)).ToList();
            bool clockRestored = settings.FeedClock is not null && lastTimes.Count > 0;
            if (clockRestored) settings.FeedClock!.Restore(lastTimes, settings.ReplayableFeed ? cut.NextOffset : null);
            if (settings.ReplayableFeed) feed = ResumeAt(feed, cut.NextOffset, clockRestored ? 0 : cut.SkipAtNextOffset);
        }
        // Key groups of this node score their own series; a cluster's, elsewhere, are scored here as their predictions pass.
        bool external = keyGroups is not null;
        var partitions = external ? [] : StartKeyGroups(system, settings, new SeriesContext(new SeriesForecaster(settings.Series), registry, replay, metrics, new PredictionPool()), durability);
        keyGroups ??= KeyGroups.Local(partitions);
        var trainer = StartTrainer(system, settings, registry, replay);

        if (durability is not null && cut is null) durability.Coordinator.Tell(WeightsPromoted.Of(initial));
        var checkpoints = durability is null ? null : new PipelineCheckpoints(durability, settings.Schedule, registry, replay, metrics, keyGroups, outputCommits,
            shared is null ? null : () => shared.GatherWindows(null));
        var router = new SeriesRouter(keyGroups, settings.Router, Retrains(system, settings, trainer, registry, replay, metrics, durability, shared), checkpoints?.ForRouter(settings.ReplayableFeed))
        {
            // Scored as the router hands a prediction on, so a checkpoint's scores are exactly those before its cut.
            OnDeliver = external ? (prediction, deliveredAt) => ScoreHere(metrics, prediction, deliveredAt) : metrics.Record,
            InFlight = metrics.InFlight,
            WeightsVersion = () => registry.Version,
            LastRejectedOffset = () => metrics.LastRejectedOffset,
            // A cluster's key groups may hold anything (a run before, a rollback): each returns to the cut, wherever sharding placed it.
            RestoreFrom = external ? cut?.Number ?? 0 : null,
            AfterRestore = afterRestore,
        };

        var (feedSwitch, outputSwitch, streamDone) = RunStream(feed, router, output, quarantine, metrics, settings, materializer ?? system.Materializer());
        var completion = streamDone.ContinueWith(async done =>
        {
            // The last checkpoint (taken when the stream ended) is committed before the run counts as finished.
            if (durability is not null && checkpoints is { Last: > 0 and var final } && done.IsCompletedSuccessfully
                && await durability.SettleAsync(final, TimeSpan.FromMinutes(1)) is var last && last?.Number != final)
                system.Log.Error("the final checkpoint {0} was not committed; a restart resumes from checkpoint {1}", final, last?.Number ?? 0);
            system.Stop(trainer);
            foreach (var partition in partitions) system.Stop(partition);
            done.GetAwaiter().GetResult();
        }, TaskScheduler.Default).Unwrap();
        return new RunHandle(feedSwitch, outputSwitch, completion, metrics, registry, replay, partitions) { Checkpoints = durability?.Stats, KeyGroups = keyGroups };
    }

    private static void ScoreHere(RunMetrics metrics, Prediction prediction, long deliveredAt)
    {
        metrics.Record(prediction, deliveredAt);
        if (!prediction.IsFailed) metrics.ScoresFor(prediction.SeriesId).Record(prediction, metrics.ScoreFromOffset, metrics.IntervalZ, metrics.IntervalAlpha);
    }

    /// <summary>The weights a resumed run continues with, if the data directory holds any, else <paramref name="initial"/>.</summary>
    private static ModelWeights ResumedWeights(ModelWeights initial, Durability? durability)
    {
        if (durability?.Weights is not { } resumed) return initial;
        if (!resumed.Spec.Equals(initial.Spec))
            throw new ArgumentException($"the data directory holds state of another model ({Described(resumed.Spec)}; this deployment makes {Described(initial.Spec)}): " +
                "run with the keys it was made with (model.cell, model.layers, model.time-features, series.seasonal-lag, which may have been chosen as auto from a feed that has changed since), or use another --data-dir");
        return resumed;
    }

    private static string Described(Model.Specs.ModelSpec spec) =>
        $"{spec.Layers.Count}×{spec.Layers[0].KerasTypeName}({string.Join(",", spec.Layers.Select(l => l.Units))}) on {spec.InputFeatures} inputs, {spec.ParameterCount:N0} parameters";

    private static void CheckFits(ModelWeights weights, PipelineSettings settings, PipelineCut? cut)
    {
        if (cut is not null && cut.Partitions != settings.Router.Partitions)
            throw new ArgumentException($"the data directory's state was written with router.partitions = {cut.Partitions}, this deployment has {settings.Router.Partitions}: " +
                $"run with --set router.partitions={cut.Partitions} to resume it, or give another --data-dir to start over");
        settings.Series.Validate();
        if (weights.Spec.InputFeatures != settings.Series.NetworkInputs)
            throw new ArgumentException($"the model takes {weights.Spec.InputFeatures} inputs, the feed gives {settings.Series.NetworkInputs} (features, time features, seasonal inputs)");
        if (weights.Spec.OutputUnits != settings.Series.Targets)
            throw new ArgumentException($"the model predicts {weights.Spec.OutputUnits} values, the feed asks for {settings.Series.Targets}");
    }

    /// <summary>The key groups (series partitions), each with its series as of the resumed checkpoint.</summary>
    private static IReadOnlyList<IActorRef> StartKeyGroups(ActorSystem system, PipelineSettings settings, SeriesContext context, Durability? durability)
    {
        string runId = Guid.NewGuid().ToString("N");
        return Enumerable.Range(0, settings.Router.Partitions)
            .Select(p => system.ActorOf(SeriesPartition.Props(context, settings.Router.IdleTimeout, settings.Router.PassivationScan, p, durability?.PartitionStates?[p]),
                $"series-{runId}-{p}"))
            .ToArray();
    }

    private static IActorRef StartTrainer(ActorSystem system, PipelineSettings settings, ModelRegistry registry, ReplayBuffer replay)
    {
        var props = TrainerActor.Props(new Retrainer(settings.Retrain), registry, replay);
        if (!system.Dispatchers.HasDispatcher(TrainerActor.DispatcherName)) props = props.WithDispatcher("akka.actor.default-dispatcher");
        return system.ActorOf(props, $"trainer-{Guid.NewGuid():N}");
    }

    /// <summary>Retrains as an ask of the trainer with a timeout; every outcome is recorded, a promotion journaled.</summary>
    private static RouterRetrains? Retrains(ActorSystem system, PipelineSettings settings, IActorRef trainer, ModelRegistry registry, ReplayBuffer replay, RunMetrics metrics,
        Durability? durability, SharedTraining? shared)
    {
        if (settings.Schedule is not { } schedule) return null;
        bool overlapped = schedule is { Mode: RetrainMode.Replay, TakesEffectAfterTicks: > 0 };
        return new RouterRetrains(schedule, cutoff =>
        {
            metrics.RetrainStarting();
            return shared is null
                ? trainer.Ask<RetrainOutcome>(new RetrainRequest(cutoff), settings.Retrain.Timeout)
                : shared.GatherWindows(cutoff).ContinueWith(gathered => trainer.Ask<RetrainOutcome>(new RetrainRequest(cutoff, gathered.Result), settings.Retrain.Timeout)).Unwrap();
        })
        {
            StartOverlapped = !overlapped ? null : cutoff =>
            {
                metrics.RetrainStarting();
                // Taken now, at the cut: the buffer goes on filling (and dropping its oldest) as the stream runs on.
                var windows = shared is null ? Task.FromResult(replay.Snapshot(cutoff)) : shared.GatherWindows(cutoff);
                var outcome = windows.ContinueWith(taken => trainer.Ask<RetrainOutcome>(new RetrainRequest(cutoff, taken.Result, PromoteLater: true), settings.Retrain.Timeout)).Unwrap();
                return new OverlappedRetrain(windows, outcome);
            },
            OnOutcome = outcome =>
            {
                metrics.Record(outcome);
                if (outcome.Promoted is not { } promoted) return;
                if (overlapped) registry.Promote(promoted);
                shared?.Publish(promoted);
                if (durability is not null) durability.Coordinator.Tell(WeightsPromoted.Of(promoted));
            },
            OnFailure = error =>
            {
                system.Log.Error(error, "retrain failed; the weights in use stay");
                string why = error is AskTimeoutException ? $"no answer within {settings.Retrain.Timeout}" : error.Message;
                metrics.Record(new RetrainOutcome(registry.Version, null, 0, 0, double.NaN, double.NaN, RetrainVerdict.Failed, $"failed: {why}"));
            },
        };
    }

    /// <summary>Records → (rejects to the quarantine, each shown to the settings' tap) → ticks → router → predictions → output; done when both sinks are.</summary>
    private static (IKillSwitch Feed, IKillSwitch Output, Task Done) RunStream(Source<RecordBatch, IKillSwitch> feed, SeriesRouter router, Sink<PredictionBatch, Task> output,
        Sink<Rejected, Task> quarantine, RunMetrics metrics, PipelineSettings settings, IMaterializer materializer)
    {
        var onRejected = settings.OnRejected;
        var quarantineSink = Flow.Create<Rejected>()
            .Select(rejected =>
            {
                metrics.Record(rejected);
                onRejected?.Invoke(rejected);
                return rejected;
            })
            .ToMaterialized(quarantine, Keep.Right);

        var (((feedSwitch, quarantineDone), outputSwitch), outputDone) = feed
            .ViaMaterialized(RejectDivert.To(quarantineSink), Keep.Both)
            // No asynchronous boundaries: fused, the feed, router and sinks run as one actor and the
            // series partitions have the other core; a boundary costs more in hand-offs than it buys (measured).
            .Via(SeriesRouter.Create(router))
            .ViaMaterialized(KillSwitches.Single<PredictionBatch>(), Keep.Both)
            .Select(batch => Forecasts(batch, settings.OnFailed))
            .ToMaterialized(output, Keep.Both)
            .Run(materializer);
        return (feedSwitch, outputSwitch, Task.WhenAll(outputDone, quarantineDone));
    }

    /// <summary>What the output writes of a batch: its forecasts, once each failed tick in it has been shown to <paramref name="onFailed"/>.</summary>
    private static PredictionBatch Forecasts(PredictionBatch batch, Action<Prediction>? onFailed)
    {
        if (batch.Failed == 0) return batch;
        if (onFailed is not null)
            foreach (var prediction in batch)
                if (prediction.IsFailed) onFailed(prediction);
        return batch.WithoutFailures();
    }

    /// <summary>Drops what a checkpoint already covered: records before the offset, and the first ticks at it.</summary>
    private static Source<RecordBatch, IKillSwitch> ResumeAt(Source<RecordBatch, IKillSwitch> feed, long offset, int skipTicks)
    {
        // A plain filter with its count in the closure: this source is materialized once, by this run. A batch past the cut goes on as it is.
        int skipped = 0;
        Func<FeedRecord, bool> after = record => record.Offset > offset || record.Offset == offset && (record is not Tick || skipped++ >= skipTicks);
        return feed.Select(batch => batch.Where(after)).Where(batch => batch.Count > 0);
    }
}
