namespace RnnStream.Actors.Metrics;

/// <summary>
/// Tick-to-prediction latencies in fixed buckets: 1 µs wide up to 10 ms, 100 µs wide up to 1 s,
/// then one overflow bucket. Constant memory and no allocation per record; percentiles read off
/// the bucket edges (upper edge, so they never flatter).
/// </summary>
public sealed class LatencyHistogram
{
    private const int FineBuckets = 10_000;
    private const int CoarseBuckets = 9_900;
    private readonly long[] _counts = new long[FineBuckets + CoarseBuckets + 1];

    public long Count { get; private set; }
    public double MaxMicroseconds { get; private set; }

    public void Record(double microseconds)
    {
        if (microseconds < 0) microseconds = 0;
        int bucket = microseconds < FineBuckets
            ? (int)microseconds
            : microseconds < 1_000_000 ? FineBuckets + (int)((microseconds - FineBuckets) / 100) : _counts.Length - 1;
        _counts[bucket]++;
        Count++;
        if (microseconds > MaxMicroseconds) MaxMicroseconds = microseconds;
    }

    /// <summary>The latency (µs) that <paramref name="quantile"/> of the records do not exceed.</summary>
    public double Percentile(double quantile)
    {
        if (Count == 0) return double.NaN;
        long rank = (long)Math.Ceiling(quantile * Count);
        long seen = 0;
        for (int i = 0; i < _counts.Length; i++)
        {
            seen += _counts[i];
            if (seen >= Math.Max(rank, 1))
                return i < FineBuckets ? i + 1 : i < _counts.Length - 1 ? FineBuckets + (i - FineBuckets + 1) * 100.0 : MaxMicroseconds;
        }
        return MaxMicroseconds;
    }
}
