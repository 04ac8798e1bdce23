using Akka.Actor;
using Akka.Configuration;
using RnnStream.Actors.Pipeline;
using RnnStream.Actors.Series;
using RnnStream.Actors.Training;
using RnnStream.Model.Specs;
using RnnStream.Model.Weights;

namespace RnnStream.Actors.Tests;

/// <summary>A node's series machinery (registry, replay buffer, inbox, parent) wired for a test.</summary>
internal sealed class Harness
{
    public static readonly Config TestSchedulerConfig = ConfigurationFactory.ParseString(
        "akka.scheduler.implementation = \"Akka.TestKit.TestScheduler, Akka.TestKit\"").WithFallback(PipelineConfig.Config);

    public Harness(ActorSystem system, SeriesSettings? settings = null, CellType cell = CellType.Lstm, int seed = 1)
    {
        Settings = settings ?? DefaultSettings;
        Spec = new ModelSpec(Settings.NetworkInputs, [new LayerSpec(cell, 8)], Settings.Targets, Settings.Horizon);
        Registry = new ModelRegistry(WeightInitializer.Initialize(Spec, seed));
        Replay = new ReplayBuffer(1024);
        Inbox = new PredictionInbox();
        Context = new SeriesContext(new SeriesForecaster(Settings), Registry, Replay, Inbox);
        Parent = system.ActorOf(SeriesParent.Props(Context));
    }

    public static SeriesSettings DefaultSettings { get; } = new()
    {
        FeatureNames = ["a", "b"],
        TargetIndices = [1],
        WindowLength = 16,
        TrainEvery = 4,
    };

    public SeriesSettings Settings { get; }
    public ModelSpec Spec { get; }
    public ModelRegistry Registry { get; }
    public ReplayBuffer Replay { get; }
    public PredictionInbox Inbox { get; }
    public SeriesContext Context { get; }
    public IActorRef Parent { get; }

    public SeriesRouter Router(RouterSettings? settings = null, RetrainSchedule? schedule = null, Func<DateTime?, Task<RetrainOutcome>>? retrain = null) =>
        new(Parent, Inbox, settings ?? new RouterSettings(), schedule, retrain);
}
