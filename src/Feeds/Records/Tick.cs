
namespace RnnStream.Feeds.Records;

/// <summary>
/// One observation of one series: its feature values at a time. <see cref="RawTimestamp"/> keeps the
/// time as it came in, so outputs can quote it unchanged.
/// </summary>
/// <param name="Format">How the feed writes times, to write forecast target times the same way.</param>
/// <param name="ReceivedAt">Stopwatch timestamp when the tick entered the system, for tick-to-prediction latency.</param>
public sealed record Tick(string SeriesId, DateTime Timestamp, string RawTimestamp, float[] Values, long Offset, TimestampFormat Format, long ReceivedAt = 0) : FeedRecord
{
    public override long Offset { get; } = Offset;
}
