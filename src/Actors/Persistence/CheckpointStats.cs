using System.Collections.Concurrent;
using System.Diagnostics;

namespace RnnStream.Actors.Persistence;

/// <summary>
/// Counts of checkpoints committed and failed, and how long a commit takes from the cut to the
/// journal's record of it; read by progress and the final report (started by the stream, settled
/// by the coordinator).
/// </summary>
public sealed class CheckpointStats
{
    private long _started;
    private long _committed;
    private long _failed;
    private long _lastCommitted;
    private long _timedCommits;
    private long _commitTicksTotal;
    private long _commitTicksMax;
    private readonly ConcurrentDictionary<long, long> _startedAt = new();

    public long StartedCount => Interlocked.Read(ref _started);
    public long CommittedCount => Interlocked.Read(ref _committed);

    /// <summary>Checkpoints taken but neither committed nor failed yet: their snapshots are being written.</summary>
    public long InProgress => StartedCount - CommittedCount - FailedCount;

    public long FailedCount => Interlocked.Read(ref _failed);
    public long LastCommitted => Interlocked.Read(ref _lastCommitted);

    /// <summary>Mean time from a cut to its commit, over the commits of this run whose start it saw; zero before any.</summary>
    public TimeSpan MeanCommitTime => Interlocked.Read(ref _timedCommits) is > 0 and var n
        ? Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _commitTicksTotal) / n) : TimeSpan.Zero;

    public TimeSpan MaxCommitTime => Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _commitTicksMax));

    /// <summary>Called (on the coordinator's thread) with each checkpoint once it is committed, e.g. to ack what it covers to the feed's clients.</summary>
    public Action<CheckpointCommitted>? OnCommitted { get; set; }

    /// <summary>Where each commit's cut-to-commit time goes too, in seconds (the /metrics histogram); null: only these figures.</summary>
    public System.Diagnostics.Metrics.Histogram<double>? DurationInstrument { get; set; }

    /// <summary>Checkpoint <paramref name="number"/> was cut; its commit time counts from here.</summary>
    public void Started(long number)
    {
        Interlocked.Increment(ref _started);
        _startedAt[number] = Stopwatch.GetTimestamp();
    }

    public void Committed(long number)
    {
        Interlocked.Increment(ref _committed);
        Interlocked.Exchange(ref _lastCommitted, number);
        if (!_startedAt.TryRemove(number, out long startedAt)) return;
        long took = Stopwatch.GetTimestamp() - startedAt;
        DurationInstrument?.Record(Stopwatch.GetElapsedTime(0, took).TotalSeconds);
        Interlocked.Increment(ref _timedCommits);
        Interlocked.Add(ref _commitTicksTotal, took);
        long max;
        while (took > (max = Interlocked.Read(ref _commitTicksMax)) && Interlocked.CompareExchange(ref _commitTicksMax, took, max) != max)
        {
        }
    }

    public void Committed(CheckpointCommitted checkpoint)
    {
        Committed(checkpoint.Number);
        OnCommitted?.Invoke(checkpoint);
    }

    public void Failed(long number)
    {
        Interlocked.Increment(ref _failed);
        _startedAt.TryRemove(number, out _);
    }
}
