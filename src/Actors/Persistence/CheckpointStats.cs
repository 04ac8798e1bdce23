namespace RnnStream.Actors.Persistence;

/// <summary>Counts of checkpoints committed and failed, read by progress and the final report (started by the stream, settled by the coordinator).</summary>
public sealed class CheckpointStats
{
    private long _started;
    private long _committed;
    private long _failed;
    private long _lastCommitted;

    public long StartedCount => Interlocked.Read(ref _started);
    public long CommittedCount => Interlocked.Read(ref _committed);

    /// <summary>Checkpoints taken but neither committed nor failed yet: their snapshots are being written.</summary>
    public long InProgress => StartedCount - CommittedCount - FailedCount;

    public void Started() => Interlocked.Increment(ref _started);
    public long FailedCount => Interlocked.Read(ref _failed);
    public long LastCommitted => Interlocked.Read(ref _lastCommitted);

    /// <summary>Called (on the coordinator's thread) with each checkpoint once it is committed, e.g. to ack what it covers to the feed's clients.</summary>
    public Action<CheckpointCommitted>? OnCommitted { get; set; }

    public void Committed(long number)
    {
        Interlocked.Increment(ref _committed);
        Interlocked.Exchange(ref _lastCommitted, number);
    }

    public void Committed(CheckpointCommitted checkpoint)
    {
        Committed(checkpoint.Number);
        OnCommitted?.Invoke(checkpoint);
    }

    public void Failed(long number) => Interlocked.Increment(ref _failed);
}
