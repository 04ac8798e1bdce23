using Akka.Actor;
using Akka.Configuration;
using RnnStream.Actors.Pipeline;
using RnnStream.Actors.Series;
using RnnStream.Actors.Training;
using RnnStream.Model.Specs;
using RnnStream.Model.Weights;

namespace RnnStream.Actors.Tests;

/// <summary>A node's series machinery (registry, replay buffer, key groups) wired for a test.</summary>
internal sealed class Harness
{
    public static readonly Config TestSchedulerConfig = ConfigurationFactory.ParseString(
        "akka.scheduler.implementation = \"Akka.TestKit.TestScheduler, Akka.TestKit\"").WithFallback(PipelineConfig.Config);

    public Harness(ActorSystem system, SeriesSettings? settings = null, CellType cell = CellType.Lstm, int seed = 1, RouterSettings? router = null)
    {
        Settings = settings ?? DefaultSettings;
        Spec = new ModelSpec(Settings.NetworkInputs, [new LayerSpec(cell, 8)], Settings.Targets, Settings.Horizon);
        Registry = new ModelRegistry(WeightInitializer.Initialize(Spec, seed));
        Replay = new ReplayBuffer(1024);
        Context = new SeriesContext(new SeriesForecaster(Settings), Registry, Replay);
        RouterSettings = router ?? new RouterSettings { Partitions = 2 };
        Partitions = Enumerable.Range(0, RouterSettings.Partitions)
            .Select(_ => system.ActorOf(SeriesPartition.Props(Context, RouterSettings.IdleTimeout, RouterSettings.PassivationScan)))
            .ToArray();
    }

    public static SeriesSettings DefaultSettings { get; } = new()
    {
        FeatureNames = ["a", "b"],
        TargetIndices = [1],
        WindowLength = 16,
        TrainEvery = 4,
        Forecaster = ForecasterChoice.Network,
    };

    public SeriesSettings Settings { get; }
    public ModelSpec Spec { get; }
    public ModelRegistry Registry { get; }
    public ReplayBuffer Replay { get; }
    public SeriesContext Context { get; }
    public RouterSettings RouterSettings { get; }
    public IReadOnlyList<IActorRef> Partitions { get; }

    public SeriesRouter Router(RetrainSchedule? schedule = null, Func<DateTime?, Task<RetrainOutcome>>? retrain = null) =>
        new(Partitions, RouterSettings, schedule is null ? null : new RouterRetrains(schedule, retrain ?? (_ => throw new InvalidOperationException("no retrain function"))));

    /// <summary>Live and passivated series over all partitions.</summary>
    public async Task<(int Active, int Passivated)> CountSeries()
    {
        var counts = await Task.WhenAll(Partitions.Select(p => p.Ask<SeriesPartition.SeriesCounts>(SeriesPartition.CountSeries.Instance)));
        return (counts.Sum(c => c.Active), counts.Sum(c => c.Passivated));
    }
}
