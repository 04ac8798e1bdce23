namespace RnnStream.Model.Training;

/// <summary>How a trainer learns. Defaults are Keras's where Keras has one.</summary>
public sealed record TrainingOptions
{
    public OptimizerKind Optimizer { get; init; } = OptimizerKind.Adam;
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>SGD momentum (0 = plain SGD).</summary>
    public double Momentum { get; init; }

    public double Beta1 { get; init; } = 0.9;
    public double Beta2 { get; init; } = 0.999;
    public double Epsilon { get; init; } = 1e-7;

    /// <summary>Global-norm gradient clipping threshold; 0 turns clipping off.</summary>
    public double ClipNorm { get; init; } = 1.0;

    /// <summary>L2 penalty on kernels (not biases): adds ½·λ·‖W‖² to the loss.</summary>
    public double L2 { get; init; }

    /// <summary>Steps through which gradients flow back before the window is cut (TBPTT); 0 = the whole window.</summary>
    public int TruncationLength { get; init; }

    /// <summary>First steps of each window that only warm the hidden state up and are not scored.</summary>
    public int WarmupSteps { get; init; }

    /// <summary>
    /// Parts each batch is split into, each part's gradient computed on its own and the parts summed
    /// in their order. The number fixes the arithmetic, so the weights come out bit for bit the
    /// same whatever <see cref="Threads"/> is; a batch smaller than this uses one part per window.
    /// </summary>
    public int Shards { get; init; } = 1;

    /// <summary>Threads that work on a batch's parts at once (at most <see cref="Shards"/> are used); 1: the caller's thread alone.</summary>
    public int Threads { get; init; } = 1;

    public void Validate()
    {
        if (!(LearningRate > 0) || !double.IsFinite(LearningRate)) throw new ArgumentOutOfRangeException(nameof(LearningRate), LearningRate, "must be a positive number");
        if (Momentum is < 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(Momentum), Momentum, "must be in [0, 1)");
        if (Beta1 is < 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(Beta1), Beta1, "must be in [0, 1)");
        if (Beta2 is < 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(Beta2), Beta2, "must be in [0, 1)");
        if (!(Epsilon > 0)) throw new ArgumentOutOfRangeException(nameof(Epsilon), Epsilon, "must be positive");
        if (!(ClipNorm >= 0)) throw new ArgumentOutOfRangeException(nameof(ClipNorm), ClipNorm, "must be 0 (off) or positive");
        if (!(L2 >= 0)) throw new ArgumentOutOfRangeException(nameof(L2), L2, "must be 0 (off) or positive");
        if (TruncationLength < 0) throw new ArgumentOutOfRangeException(nameof(TruncationLength), TruncationLength, "must be 0 (whole window) or positive");
        if (Shards < 1) throw new ArgumentOutOfRangeException(nameof(Shards), Shards, "must be at least 1");
        if (Threads < 1) throw new ArgumentOutOfRangeException(nameof(Threads), Threads, "must be at least 1");
        if (WarmupSteps < 0) throw new ArgumentOutOfRangeException(nameof(WarmupSteps), WarmupSteps, "must not be negative");
        if (!Enum.IsDefined(Optimizer)) throw new ArgumentOutOfRangeException(nameof(Optimizer), Optimizer, "unknown optimizer");
    }
}
