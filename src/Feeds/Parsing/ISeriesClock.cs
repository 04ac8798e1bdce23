namespace RnnStream.Feeds.Parsing;

/// <summary>
/// The last accepted time of every series, which the feed's parser keeps to reject a tick that goes
/// back or repeats. Restored on resume, so a client that resends its last ticks after a crash has
/// them rejected exactly as before the crash.
/// </summary>
public interface ISeriesClock
{
    /// <summary>Before the first record: each series' last time at the checkpoint.</summary>
    /// <param name="resumeOffset">
    /// A replayable feed's offset the resume starts at: ticks of that record the checkpoint already
    /// took (their time is their series' last) are dropped silently, as a replay skips them, not
    /// rejected. Null for a feed whose offsets start again (a socket).
    /// </param>
    void Restore(IEnumerable<KeyValuePair<string, DateTime>> lastTimes, long? resumeOffset);
}
