using RnnStream.Model.Preprocessing;

namespace RnnStream.Actors.Series;

/// <summary>What every series of a deployment shares: its feature layout, horizon, window and interval settings.</summary>
public sealed record SeriesSettings
{
    public required IReadOnlyList<string> FeatureNames { get; init; }

    /// <summary>Positions in the tick's values of the K predicted features.</summary>
    public required IReadOnlyList<int> TargetIndices { get; init; }

    public int Horizon { get; init; } = 1;

    /// <summary>Add time of day and day of week (sin/cos) to the network's inputs.</summary>
    public bool TimeFeatures { get; init; }

    /// <summary>λ of each series' normalizer (1 = all history).</summary>
    public double NormalizerForgetting { get; init; } = 1.0;

    /// <summary>
    /// Predict the change over the horizon instead of the level: the network's output is added to the
    /// last value, so an untrained network already forecasts persistence and training learns the
    /// correction. Right for near-random walks (prices) and drifting levels.
    /// </summary>
    public bool PredictChange { get; init; }

    /// <summary>Which forecast a series publishes: the network's, persistence, or whichever has the lower recent error on that series.</summary>
    public ForecasterChoice Forecaster { get; init; } = ForecasterChoice.Best;

    /// <summary>
    /// The network is published only while its running error is below this share of persistence's:
    /// on a series where both are about as good (a random walk) the choice then rests on persistence
    /// instead of flipping on noise.
    /// </summary>
    public double ChoiceMargin { get; init; } = 0.97;

    /// <summary>
    /// Lags of a per-series ridge autoregression on the target's changes, a third candidate beside the
    /// network and persistence (0 = off). Costs lags² doubles per target and series, so it is for
    /// deployments of few series.
    /// </summary>
    public int RidgeLags { get; init; }

    /// <summary>
    /// A season in ticks (336 = a week of half hours; 0 = off): the network also sees, per target, what
    /// happened one season before the time it predicts — the change over the horizon then (or the
    /// level, when predicting levels). A pattern that shifts is then in the inputs one season later,
    /// without waiting for a retrain. Costs (season + window) floats per target and series.
    /// </summary>
    public int SeasonalLag { get; init; }

    /// <summary>λ of the ridge autoregression (0.999 ≈ the last 1000 ticks).</summary>
    public double RidgeForgetting { get; init; } = 0.999;

    /// <summary>Ridge penalty of the autoregression, on normalized changes.</summary>
    public double RidgePenalty { get; init; } = 1.0;

    /// <summary>λ of the running errors that choose between forecasters (0.99 ≈ the last 100 forecasts).</summary>
    public double ChoiceForgetting { get; init; } = 0.99;

    /// <summary>Recent ticks each series keeps: to re-warm its state after a weights swap and to cut training windows.</summary>
    public int WindowLength { get; init; } = 64;

    /// <summary>A training window is handed over every this many ticks (once the window is full).</summary>
    public int TrainEvery { get; init; } = 32;

    /// <summary>Half-width of the interval in residual standard deviations (1.96 ≈ 95%).</summary>
    public double IntervalZ { get; init; } = 1.96;

    /// <summary>λ of the running mean squared residual behind the interval.</summary>
    public double ResidualForgetting { get; init; } = 0.99;

    /// <summary>Residuals needed before the interval comes from them rather than the series' own spread.</summary>
    public int MinResiduals { get; init; } = 10;

    /// <summary>Time between ticks, if known in advance; otherwise each series uses its last gap.</summary>
    public TimeSpan? Step { get; init; }

    public int Features => FeatureNames.Count;
    public int Targets => TargetIndices.Count;

    /// <summary>D as the network sees it: the features, the time features, the seasonal inputs.</summary>
    public int NetworkInputs => NetworkInputsFor(Features, Targets, TimeFeatures, SeasonalLag);

    /// <summary>D as the network sees it, for a layout not yet made into settings (the model is sized from it).</summary>
    public static int NetworkInputsFor(int features, int targets, bool timeFeatures, int seasonalLag) =>
        features + (timeFeatures ? Model.Preprocessing.TimeFeatures.Count : 0) + (seasonalLag > 0 ? targets : 0);

    /// <summary>Ticks of target history behind the seasonal inputs: back one season from the oldest remembered tick.</summary>
    public int SeasonalCapacity => SeasonalLag > 0 ? SeasonalLag + WindowLength + 1 : 0;

    /// <summary>Names of the predicted features, shared by every prediction.</summary>
    public IReadOnlyList<string> TargetNames => _targetNames ??= TargetIndices.Select(i => FeatureNames[i]).ToArray();

    private IReadOnlyList<string>? _targetNames;

    public void Validate()
    {
        if (Features < 1) throw new ArgumentException("a series needs at least one feature");
        if (Targets < 1) throw new ArgumentException("at least one feature must be predicted");
        if (TargetIndices.Any(i => i < 0 || i >= Features)) throw new ArgumentException("a target index is outside the features");
        if (Horizon < 1) throw new ArgumentOutOfRangeException(nameof(Horizon), Horizon, "must be at least 1");
        if (WindowLength <= Horizon + 1) throw new ArgumentOutOfRangeException(nameof(WindowLength), WindowLength, $"must exceed the horizon ({Horizon}) + 1");
        if (RidgeLags < 0 || RidgeLags > 0 && WindowLength < RidgeLags + Horizon + 1)
            throw new ArgumentOutOfRangeException(nameof(RidgeLags), RidgeLags, $"must be 0, or leave the window ({WindowLength}) longer than lags + horizon");
        if (SeasonalLag < 0 || SeasonalLag > 0 && SeasonalLag < Horizon)
            throw new ArgumentOutOfRangeException(nameof(SeasonalLag), SeasonalLag, $"must be 0, or at least the horizon ({Horizon})");
        if (TrainEvery < 1) throw new ArgumentOutOfRangeException(nameof(TrainEvery), TrainEvery, "must be at least 1");
        _ = new OnlineNormalizer(Features, NormalizerForgetting);
    }
}
