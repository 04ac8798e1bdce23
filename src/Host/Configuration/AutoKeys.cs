namespace RnnStream.Host.Configuration;

/// <summary>
/// The keys whose default is <c>auto</c>: the inputs, chosen from the feed's warm-up
/// (<see cref="InputChoices"/>), and the holdout and sampling recency, sized to the retrain
/// schedule (Running.AutoTrainingBudget).
/// </summary>
internal static class AutoKeys
{
    public const string TimeFeatures = "model.time-features";
    public const string SeasonalLag = "series.seasonal-lag";
    public const string Target = "series.target";
    public const string Window = "series.window";
    public const string TrainEvery = "series.train-every";
    public const string RidgeLags = "series.ridge-lags";

    public const string Holdout = "training.holdout";
    public const string SampleHalfLife = "training.sample-half-life";

    public static readonly IReadOnlyList<string> Inputs = [TimeFeatures, SeasonalLag, Target, Window, TrainEvery, RidgeLags];

    /// <summary>The keys a deployment leaves at auto, of <paramref name="keys"/>.</summary>
    public static IReadOnlyList<string> LeftAuto(DeploymentConfig config, IReadOnlyList<string> keys) =>
        keys.Where(key => IsAuto(config, key)).ToArray();

    public static bool IsAuto(DeploymentConfig config, string key) =>
        string.Equals(config.String(key), "auto", StringComparison.OrdinalIgnoreCase);
}
