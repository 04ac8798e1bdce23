using RnnStream.Model.Training;
using RnnStream.Model.Weights;

namespace RnnStream.Actors.Training;

/// <summary>
/// One retrain, as a pure function of the weights in use and the windows it is given: warm-start
/// from the current weights, train with TBPTT on seeded samples of the older windows, judge on
/// the newest (held out), and return a candidate only if it beats the weights in use there
/// (champion / challenger). Deterministic: same inputs, same result, bit for bit.
/// </summary>
public sealed class Retrainer(RetrainSettings settings)
{
    /// <summary>A candidate whose held-out loss is this many times the champion's did not just lose, it blew up.</summary>
    public const double DivergenceRatio = 100;

    public RetrainSettings Settings { get; } = settings;

    /// <summary>The last retrain's workspace, for the next; null while one runs (a retrain run beside it then makes its own).</summary>
    private TrainingWorkspace? _idleWorkspace;

    public RetrainOutcome Run(ModelWeights current, IReadOnlyList<TrainingWindow> windows)
    {
        long from = current.Version;
        if (windows.Count < Settings.MinWindows)
            return new RetrainOutcome(from, null, 0, 0, double.NaN, double.NaN, RetrainVerdict.Skipped, $"skipped: {windows.Count} windows, {Settings.MinWindows} needed");

        var ordered = OldestFirst(windows);
        int holdout = Math.Max(1, (int)Math.Round(ordered.Length * Settings.HoldoutFraction));
        var train = ordered[..^holdout];
        var judge = ordered[^holdout..];
        if (train.Length == 0)
            return new RetrainOutcome(from, null, 0, holdout, double.NaN, double.NaN, RetrainVerdict.Skipped, "skipped: nothing left to train on after the holdout");

        var spec = current.Spec;
        var workspace = Interlocked.Exchange(ref _idleWorkspace, null);
        if (workspace is null || !workspace.Fits(spec, Settings.Options.Shards)) workspace = new TrainingWorkspace(spec, Settings.Options.Shards);
        try
        {
            return Train(current, train, judge, new TbpttTrainer(current, Settings.Options, workspace));
        }
        finally
        {
            Volatile.Write(ref _idleWorkspace, workspace);
        }
    }

    /// <summary>Champion's held-out loss, the seeded batches, challenger's held-out loss, and the verdict.</summary>
    private RetrainOutcome Train(ModelWeights current, TrainingWindow[] train, TrainingWindow[] judge, TbpttTrainer trainer)
    {
        long from = current.Version;
        var spec = current.Spec;
        int holdout = judge.Length;
        var holdoutBatch = Stack(judge, spec.InputFeatures, spec.OutputUnits);
        double championLoss = trainer.Evaluate(holdoutBatch);

        // Not HashCode.Combine: it is seeded per process, and a replay must sample alike in every process.
        var random = new Random(unchecked(Settings.Seed * 1_000_003 + (int)from));
        int rejected = 0;
        for (int b = 0; b < Settings.Batches; b++)
        {
            var sample = new TrainingWindow[Math.Min(Settings.BatchSize, train.Length)];
            for (int i = 0; i < sample.Length; i++) sample[i] = train[SampleIndex(random, train.Length)];
            var report = trainer.Train(Stack(sample, spec.InputFeatures, spec.OutputUnits));
            if (report.Rejected) rejected++;
        }

        double challengerLoss = trainer.Evaluate(holdoutBatch);
        var candidate = trainer.Snapshot(from + 1);
        if (!candidate.IsFinite() || !double.IsFinite(challengerLoss))
            return new RetrainOutcome(from, null, train.Length, holdout, championLoss, challengerLoss, RetrainVerdict.Diverged, "rejected: diverged, the candidate is not finite");
        if (challengerLoss > DivergenceRatio * championLoss)
            return new RetrainOutcome(from, null, train.Length, holdout, championLoss, challengerLoss, RetrainVerdict.Diverged,
                $"rejected: diverged, held-out loss {challengerLoss:G4} against {championLoss:G4}");
        if (!(challengerLoss < championLoss))
            return new RetrainOutcome(from, null, train.Length, holdout, championLoss, challengerLoss, RetrainVerdict.NotBetter, $"rejected: held-out loss {challengerLoss:G4} does not beat {championLoss:G4}");
        string note = rejected > 0 ? $" ({rejected} non-finite batches skipped)" : "";
        return new RetrainOutcome(from, candidate, train.Length, holdout, championLoss, challengerLoss, RetrainVerdict.Promoted, $"promoted: held-out loss {championLoss:G4} -> {challengerLoss:G4}{note}");
    }

    /// <summary>
    /// The windows oldest first. A node's replay buffer hands them over in that order, and checking takes one pass
    /// where sorting thousands of them took milliseconds a retrain while a replay waited; windows gathered from a
    /// cluster's nodes come in any order and are sorted (stably, as an ordered list would stay).
    /// </summary>
    private static TrainingWindow[] OldestFirst(IReadOnlyList<TrainingWindow> windows)
    {
        var ordered = windows.ToArray();
        for (int i = 1; i < ordered.Length; i++)
            if (ordered[i - 1].CompareTo(ordered[i]) > 0) return windows.OrderBy(w => w).ToArray();
        return ordered;
    }

    /// <summary>
    /// A window's index (0 = oldest): uniform, or with weight halving every
    /// <see cref="RetrainSettings.SampleHalfLife"/> windows back from the newest (inverse CDF of the
    /// truncated exponential, so one draw of the seeded generator per window, as the uniform case).
    /// </summary>
    private int SampleIndex(Random random, int count)
    {
        double halfLife = Settings.SampleHalfLife;
        if (halfLife <= 0) return random.Next(count);
        double rate = Math.Log(2) / halfLife;
        double age = -Math.Log(1 - random.NextDouble() * (1 - Math.Exp(-rate * count))) / rate;
        return Math.Clamp(count - 1 - (int)age, 0, count - 1);
    }

    /// <summary>Windows of equal length into one N × T × D batch.</summary>
    public static TrainingBatch Stack(IReadOnlyList<TrainingWindow> windows, int inputs, int outputs)
    {
        int steps = windows[0].Steps;
        var x = new float[windows.Count * steps * inputs];
        var y = new float[windows.Count * steps * outputs];
        for (int i = 0; i < windows.Count; i++)
        {
            if (windows[i].Steps != steps) throw new ArgumentException("windows of one batch must have the same length");
            windows[i].Inputs.CopyTo(x, i * steps * inputs);
            windows[i].Targets.CopyTo(y, i * steps * outputs);
        }
        return new TrainingBatch(windows.Count, steps, inputs, outputs, x, y);
    }
}
