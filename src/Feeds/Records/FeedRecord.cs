namespace RnnStream.Feeds.Records;

/// <summary>What validation makes of one raw record: a <see cref="Tick"/> or a <see cref="Rejected"/>.</summary>
public abstract record FeedRecord
{
    /// <summary>Position of the raw record in its feed (line number for files), for resuming and for quarantine reports.</summary>
    public abstract long Offset { get; }
}
