namespace RnnStream.Actors.Series;

/// <summary>
/// A key group (series partition) stopped: its series' live state since the last checkpoint is gone,
/// so the run cannot go on as if nothing happened. It fails with this, naming the group and why; a
/// durable run restarted on the same data directory resumes from the last committed checkpoint.
/// </summary>
public sealed class KeyGroupFailedException(int partition, string reason, Exception? cause = null)
    : Exception($"key group {partition} failed: {reason}", cause)
{
    public int Partition { get; } = partition;
}
