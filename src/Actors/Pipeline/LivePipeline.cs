using Akka;
using Akka.Actor;
using Akka.Event;
using Akka.Streams;
using Akka.Streams.Dsl;
using RnnStream.Actors.Metrics;
using RnnStream.Actors.Series;
using RnnStream.Actors.Training;
using RnnStream.Feeds.Records;
using RnnStream.Model.Weights;

namespace RnnStream.Actors.Pipeline;

/// <summary>
/// Joins a feed to the series actors and the sinks: records → (rejects to quarantine) → ticks →
/// series router → predictions → metrics → output. Builds the node's registry, replay buffer,
/// series parent and trainer around it.
/// </summary>
public static class LivePipeline
{
    public static RunHandle Run(ActorSystem system, Source<FeedRecord, NotUsed> feed, ModelWeights initial, PipelineSettings settings,
        Sink<Prediction, Task> output, Sink<Rejected, Task> quarantine, IMaterializer? materializer = null)
    {
        settings.Series.Validate();
        if (initial.Spec.InputFeatures != settings.Series.NetworkInputs)
            throw new ArgumentException($"the model takes {initial.Spec.InputFeatures} inputs, the feed gives {settings.Series.NetworkInputs} (features plus time features)");
        if (initial.Spec.OutputUnits != settings.Series.Targets)
            throw new ArgumentException($"the model predicts {initial.Spec.OutputUnits} values, the feed asks for {settings.Series.Targets}");

        materializer ??= system.Materializer();
        var registry = new ModelRegistry(initial);
        var replay = new ReplayBuffer(settings.ReplayCapacity);
        var inbox = new PredictionInbox();
        var metrics = new RunMetrics(settings.ScoreFromOffset);
        var context = new SeriesContext(new SeriesForecaster(settings.Series), registry, replay, inbox);
        string runId = Guid.NewGuid().ToString("N");
        var partitions = Enumerable.Range(0, settings.Router.Partitions)
            .Select(p => system.ActorOf(SeriesPartition.Props(context, settings.Router.IdleTimeout, settings.Router.PassivationScan), $"series-{runId}-{p}"))
            .ToArray();

        var trainerProps = TrainerActor.Props(new Retrainer(settings.Retrain), registry, replay);
        if (!system.Dispatchers.HasDispatcher(TrainerActor.DispatcherName)) trainerProps = trainerProps.WithDispatcher("akka.actor.default-dispatcher");
        var trainer = system.ActorOf(trainerProps, $"trainer-{Guid.NewGuid():N}");

        var router = new SeriesRouter(partitions, inbox, settings.Router, settings.Schedule,
            cutoff => trainer.Ask<RetrainOutcome>(new RetrainRequest(cutoff)),
            metrics.Record,
            error => system.Log.Error(error, "retrain failed; the weights in use stay"));

        var quarantineSink = Flow.Create<FeedRecord>()
            .Select(record => (Rejected)record)
            .Select(rejected =>
            {
                metrics.Record(rejected);
                return rejected;
            })
            .ToMaterialized(quarantine, Keep.Right);

        var ((killSwitch, quarantineDone), outputDone) = feed
            .ViaMaterialized(KillSwitches.Single<FeedRecord>(), Keep.Right)
            .DivertToMaterialized(quarantineSink, record => record is Rejected, Keep.Both)
            .Select(record => (Tick)record)
            // No asynchronous boundaries: fused, the feed, router and sinks run as one actor and the
            // series partitions have the other core; a boundary costs more in hand-offs than it buys (measured).
            .Via(SeriesRouter.Create(router))
            .Select(prediction =>
            {
                metrics.Record(prediction);
                return prediction;
            })
            .Where(prediction => !FailedPrediction.IsFailure(prediction))
            .ToMaterialized(output, Keep.Both)
            .Run(materializer);

        var completion = Task.WhenAll(outputDone, quarantineDone).ContinueWith(done =>
        {
            system.Stop(trainer);
            foreach (var partition in partitions) system.Stop(partition);
            done.GetAwaiter().GetResult();
        }, TaskScheduler.Default);
        return new RunHandle(killSwitch, completion, metrics, registry, replay, partitions);
    }
}
