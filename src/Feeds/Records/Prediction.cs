using RnnStream.Feeds.Parsing;

namespace RnnStream.Feeds.Records;

/// <summary>
/// What a series emits on every tick: its forecast for <see cref="TargetTimestamp"/> (horizon steps
/// after <see cref="Timestamp"/>) of each predicted feature, with an interval, the weights version
/// that made it, and the score of the forecast that was due at this tick, if one was.
/// </summary>
/// <param name="TargetTime">The time the forecast is for, or null when the series' step is not known yet.</param>
/// <param name="Format">How the feed writes times; the target time is written the same way.</param>
/// <param name="Features">Names of the predicted features (shared, not copied per prediction).</param>
/// <param name="Forecaster">Which forecaster produced the values (the network, or a baseline chosen for this series).</param>
public sealed record Prediction(
    string SeriesId,
    string Timestamp,
    DateTime? TargetTime,
    TimestampFormat? Format,
    IReadOnlyList<string> Features,
    float[] Predicted,
    float[] Lower,
    float[] Upper,
    long WeightsVersion,
    string Forecaster,
    Outcome? Matured,
    long ReceivedAt,
    long Offset)
{
    /// <summary>The target time as the input writes times; formatted when asked (by a sink), not on the live path.</summary>
    public string TargetTimestamp => TargetTime is { } time && Format is not null ? Format.Format(time) : "";

    /// <summary>True when the value that arrived at this tick fell outside the interval predicted for it.</summary>
    public bool Anomaly => Matured?.OutsideInterval ?? false;
}
