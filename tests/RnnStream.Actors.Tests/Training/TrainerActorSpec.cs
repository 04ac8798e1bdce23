using Akka.Actor;
using RnnStream.Actors.Pipeline;
using RnnStream.Actors.Training;
using RnnStream.Model.Specs;
using RnnStream.Model.Training;
using RnnStream.Model.Weights;
using Xunit;

namespace RnnStream.Actors.Tests.Training;

public sealed class TrainerActorSpec() : Akka.TestKit.Xunit2.TestKit(PipelineConfig.Config)
{
    private static readonly RetrainSettings Settings = new()
    {
        Batches = 100, BatchSize = 16, MinWindows = 8, Options = new TrainingOptions { LearningRate = 0.01, WarmupSteps = 2 },
    };

    [Fact]
    public void A_trainer_retrains_on_the_windows_before_the_cutoff_and_promotes_before_it_answers()
    {
        var registry = new ModelRegistry(WeightInitializer.Initialize(ModelSpec.Single(CellType.Gru, 1, 8, 1), seed: 1));
        var replay = new ReplayBuffer(256);
        for (int i = 0; i < 60; i++) replay.Add(TrainingWindows.Sine(i));
        var trainer = Sys.ActorOf(TrainerActor.Props(new Retrainer(Settings), registry, replay));

        trainer.Tell(new RetrainRequest(TrainingWindows.Start.AddDays(40)), TestActor);
        var outcome = ExpectMsg<RetrainOutcome>(TimeSpan.FromSeconds(30));

        // Windows ending before day 40: days 0..39.
        Assert.Equal(40, outcome.TrainWindows + outcome.HoldoutWindows);
        Assert.Equal(RetrainVerdict.Promoted, outcome.Kind);
        Assert.Equal(1, registry.Version);
        Assert.Same(outcome.Promoted, registry.Current.Weights);
    }

    [Fact]
    public void A_retrain_that_throws_answers_with_the_failure_and_the_weights_in_use_stay()
    {
        var registry = new ModelRegistry(WeightInitializer.Initialize(ModelSpec.Single(CellType.Gru, 1, 8, 1), seed: 1));
        var replay = new ReplayBuffer(256);
        for (int i = 0; i < 20; i++) replay.Add(TrainingWindows.Sine(i));
        // A window of another length cannot be stacked into a batch with the others.
        replay.Add(TrainingWindows.Sine(20) with { Inputs = new float[8], Targets = new float[8], Steps = 8 });
        var trainer = Sys.ActorOf(TrainerActor.Props(new Retrainer(Settings), registry, replay));

        trainer.Tell(new RetrainRequest(null), TestActor);
        var failure = ExpectMsg<Status.Failure>(TimeSpan.FromSeconds(30));

        Assert.IsType<ArgumentException>(failure.Cause);
        Assert.Equal(0, registry.Version);
        // The trainer is still there for the next request.
        trainer.Tell(new RetrainRequest(TrainingWindows.Start.AddDays(20)), TestActor);
        Assert.Equal(RetrainVerdict.Promoted, ExpectMsg<RetrainOutcome>(TimeSpan.FromSeconds(30)).Kind);
    }
}
