namespace RnnStream.Actors.Pipeline;

public enum RetrainMode
{
    /// <summary>Retrains happen at fixed points of the feed; the stream waits for each, so a replay is reproducible.</summary>
    Replay,

    /// <summary>Retrains run beside the stream and swap in when ready; predictions never wait.</summary>
    Live,
}
