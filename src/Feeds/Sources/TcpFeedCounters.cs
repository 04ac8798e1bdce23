namespace RnnStream.Feeds.Sources;

/// <summary>What happened to the TCP feed's connections; read from any thread.</summary>
public sealed class TcpFeedCounters
{
    private long _accepted, _refused, _idleClosed, _failed, _ended, _repliesDropped;

    public long Accepted => Interlocked.Read(ref _accepted);

    /// <summary>Closed at once: the cap of connections was reached.</summary>
    public long Refused => Interlocked.Read(ref _refused);

    /// <summary>Closed after sending nothing for the idle timeout.</summary>
    public long IdleClosed => Interlocked.Read(ref _idleClosed);

    /// <summary>Ended by an error of their own (a reset, a broken pipe); the feed and other connections go on.</summary>
    public long Failed => Interlocked.Read(ref _failed);

    /// <summary>Connections that have ended, whatever the way (their client closing, idle, an error).</summary>
    public long Ended => Interlocked.Read(ref _ended);

    /// <summary>Writes back (a batch's predictions for one client, an ack) dropped, oldest first, because their client left too much unread.</summary>
    public long RepliesDropped => Interlocked.Read(ref _repliesDropped);

    internal void CountAccepted() => Interlocked.Increment(ref _accepted);
    internal void CountEnded() => Interlocked.Increment(ref _ended);
    internal void CountRefused() => Interlocked.Increment(ref _refused);
    internal void CountIdleClosed() => Interlocked.Increment(ref _idleClosed);
    internal void CountFailed() => Interlocked.Increment(ref _failed);
    internal void CountReplyDropped() => Interlocked.Increment(ref _repliesDropped);

    public override string ToString() =>
        $"{Accepted:N0} connections, {Refused:N0} refused at the cap, {IdleClosed:N0} closed idle, {Failed:N0} ended by an error"
        + (RepliesDropped > 0 ? $", {RepliesDropped:N0} writes back dropped unread (their clients read too slowly)" : "");
}
