namespace RnnStream.Host.Configuration;

/// <summary>
/// What the keys left at <c>auto</c> become: model.time-features, series.seasonal-lag,
/// series.target, series.window, series.train-every and series.ridge-lags. Chosen from a file
/// feed's warm-up (<see cref="InputDetection"/>), or a socket feed's first ticks, held by the run
/// (Running.SocketWarmUp); a feed that is neither (a generator, a socket on a cluster's node without
/// detection.sample) gets <see cref="Undetected"/>, the defaults these keys had before they could be detected.
/// </summary>
internal sealed record InputChoices
{
    public required bool TimeFeatures { get; init; }
    public required int SeasonalLag { get; init; }
    public required bool PredictChange { get; init; }
    public required int WindowLength { get; init; }
    public required int TrainEvery { get; init; }
    public required int RidgeLags { get; init; }

    /// <summary>The usual time between a series' ticks in the warm-up; null when not seen.</summary>
    public TimeSpan? Step { get; init; }

    /// <summary>
    /// The mean time between a series' ticks in the warm-up, its gaps included (a market's weekends
    /// and holidays), so a schedule in event time knows how many ticks it brings even when the
    /// ticks are not regular; null when not seen.
    /// </summary>
    public TimeSpan? MeanStep { get; init; }

    /// <summary>Ticks the warm-up read (0: not read).</summary>
    public long WarmUpTicks { get; init; }

    /// <summary>Series seen in the warm-up (0: not read).</summary>
    public int SeriesCount { get; init; }

    /// <summary>Why each value: what the warm-up showed, one phrase per key, in key order.</summary>
    public required IReadOnlyDictionary<string, string> Reasons { get; init; }

    /// <summary>Where the choices came from ("the first 2,064 ticks of 1 series").</summary>
    public required string Basis { get; init; }

    public static InputChoices Undetected(string why) => new()
    {
        TimeFeatures = false,
        SeasonalLag = 0,
        PredictChange = false,
        WindowLength = 64,
        TrainEvery = 32,
        RidgeLags = 0,
        Reasons = new Dictionary<string, string>(),
        Basis = why,
    };

    /// <summary>The first line's account of the keys left at auto; empty when none was.</summary>
    public string Describe(IReadOnlyCollection<string> autoKeys)
    {
        var said = new List<string>();
        foreach (var key in AutoKeys.Inputs.Where(autoKeys.Contains))
        {
            string value = key switch
            {
                AutoKeys.TimeFeatures => $"time features {(TimeFeatures ? "on" : "off")}",
                AutoKeys.SeasonalLag => SeasonalLag > 0 ? $"seasonal lag {SeasonalLag:N0}" : "no seasonal lag",
                AutoKeys.Target => $"target {(PredictChange ? "change" : "level")}",
                AutoKeys.Window => $"window {WindowLength:N0}",
                AutoKeys.TrainEvery => $"a training window every {TrainEvery:N0} ticks",
                AutoKeys.RidgeLags => RidgeLags > 0 ? $"ridge on {RidgeLags} changes" : "no ridge",
                _ => throw new InvalidOperationException(key),
            };
            said.Add(Reasons.TryGetValue(key, out var reason) ? $"{value} ({reason})" : value);
        }
        if (said.Count == 0) return "";
        return $"detected from {Basis}: {string.Join(", ", said)} (each an auto key: --set KEY=VALUE overrides it)";
    }
}
