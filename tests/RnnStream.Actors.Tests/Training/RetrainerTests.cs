using RnnStream.Actors.Series;
using RnnStream.Actors.Training;
using RnnStream.Model.Inference;
using RnnStream.Model.Specs;
using RnnStream.Model.Training;
using RnnStream.Model.Weights;
using Xunit;

namespace RnnStream.Actors.Tests.Training;

/// <summary>One retrain: champion against challenger on the newest windows, the holdout's share, recency sampling.</summary>
public sealed class RetrainerTests
{
    private static readonly ModelWeights Initial = WeightInitializer.Initialize(ModelSpec.Single(CellType.Gru, 1, 8, 1), seed: 1);

    private static RetrainSettings Settings(double learningRate = 0.01, double holdout = 0.2, double halfLife = 0) => new()
    {
        Batches = 150, BatchSize = 16, MinWindows = 8, HoldoutFraction = holdout, SampleHalfLife = halfLife,
        Options = new TrainingOptions { LearningRate = learningRate, WarmupSteps = 2 },
    };

    [Fact]
    public void A_candidate_that_beats_the_weights_in_use_on_the_newest_windows_is_promoted_as_the_next_version()
    {
        var windows = Enumerable.Range(0, 50).Select(i => TrainingWindows.Sine(i)).ToList();
        var outcome = new Retrainer(Settings()).Run(Initial, windows);

        Assert.Equal(RetrainVerdict.Promoted, outcome.Kind);
        Assert.StartsWith("promoted", outcome.Verdict);
        Assert.True(outcome.ChallengerLoss < 0.5 * outcome.ChampionLoss, $"{outcome.ChallengerLoss} against {outcome.ChampionLoss}");
        Assert.Equal(Initial.Version + 1, outcome.Promoted!.Version);
        // The reported loss is the promoted weights' own on the held-out windows.
        var judge = Retrainer.Stack(windows.OrderBy(w => w).TakeLast(outcome.HoldoutWindows).ToList(), 1, 1);
        Assert.Equal(outcome.ChallengerLoss, new TbpttTrainer(outcome.Promoted, Settings().Options).Evaluate(judge), 10);
    }

    [Fact]
    public void A_candidate_no_better_than_the_weights_in_use_is_not_promoted()
    {
        // The newest fifth (the holdout) says the opposite of what the older windows teach.
        var windows = Enumerable.Range(0, 50).Select(i => i < 40 ? TrainingWindows.Sine(i) : TrainingWindows.Sine(i) with
        {
            Targets = TrainingWindows.Sine(i).Targets.Select(v => -v).ToArray(),
        }).ToList();
        var outcome = new Retrainer(Settings()).Run(Initial, windows);

        Assert.Equal(RetrainVerdict.NotBetter, outcome.Kind);
        Assert.StartsWith("rejected: held-out loss", outcome.Verdict);
        Assert.Null(outcome.Promoted);
        Assert.True(outcome.ChallengerLoss >= outcome.ChampionLoss);
    }

    [Theory]
    [InlineData(50, 0.2, 40, 10)]
    [InlineData(50, 0.02, 49, 1)]
    [InlineData(9, 0.2, 7, 2)]
    public void The_holdout_is_its_share_of_the_windows_and_at_least_one(int count, double share, int train, int holdout)
    {
        var windows = Enumerable.Range(0, count).Select(i => TrainingWindows.Sine(i)).ToList();
        var outcome = new Retrainer(Settings(holdout: share)).Run(Initial, windows);
        Assert.Equal(train, outcome.TrainWindows);
        Assert.Equal(holdout, outcome.HoldoutWindows);
    }

    [Fact]
    public void Fewer_windows_than_the_minimum_skip_the_retrain()
    {
        var outcome = new Retrainer(Settings()).Run(Initial, Enumerable.Range(0, 7).Select(i => TrainingWindows.Sine(i)).ToList());
        Assert.Equal(RetrainVerdict.Skipped, outcome.Kind);
        Assert.Null(outcome.Promoted);
    }

    /// <summary>
    /// 90 older windows say +1, the 10 newest say -1, and the holdout (the newest 2) says -1 too. Sampled
    /// evenly, training mostly learns +1 and loses to the weights in use; with a half-life of 4 windows it
    /// learns the new level and wins.
    /// </summary>
    [Fact]
    public void Recency_sampling_learns_a_shift_that_even_sampling_misses()
    {
        var windows = Enumerable.Range(0, 100).Select(i => TrainingWindows.Constant(i, i < 90 ? 1f : -1f)).ToList();

        var even = new Retrainer(Settings(holdout: 0.02)).Run(Initial, windows);
        var recent = new Retrainer(Settings(holdout: 0.02, halfLife: 4)).Run(Initial, windows);

        Assert.Equal(RetrainVerdict.NotBetter, even.Kind);
        Assert.Equal(RetrainVerdict.Promoted, recent.Kind);
        var network = new InferenceNetwork(recent.Promoted!);
        var state = network.CreateState();
        var output = new float[1];
        for (int t = 0; t < TrainingWindows.Steps; t++) network.Step(state, [1f], output);
        Assert.True(output[0] < 0f, $"the promoted network predicts {output[0]}: nearer the old level (+1) than the new (-1)");
    }

    [Fact]
    public void The_same_weights_and_windows_give_the_same_candidate_bit_for_bit()
    {
        var windows = Enumerable.Range(0, 50).Select(i => TrainingWindows.Sine(i)).ToList();
        var first = new Retrainer(Settings()).Run(Initial, windows).Promoted!;
        var second = new Retrainer(Settings()).Run(Initial, windows.AsEnumerable().Reverse().ToList()).Promoted!;
        Assert.Equal(first.Values.ToArray(), second.Values.ToArray());
    }

    [Fact]
    public void A_retrainer_that_ran_before_gives_the_candidate_a_new_one_gives()
    {
        // The first run leaves its workspace sized for a larger holdout, holding its own activations.
        var used = new Retrainer(Settings());
        _ = used.Run(WeightInitializer.Initialize(Initial.Spec, seed: 5), Enumerable.Range(0, 120).Select(i => TrainingWindows.Sine(i)).ToList());
        var windows = Enumerable.Range(0, 50).Select(i => TrainingWindows.Sine(i)).ToList();
        var again = used.Run(Initial, windows).Promoted!;
        var fresh = new Retrainer(Settings()).Run(Initial, windows).Promoted!;
        Assert.Equal(fresh.Values.ToArray(), again.Values.ToArray());
    }
}
