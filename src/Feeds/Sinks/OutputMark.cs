namespace RnnStream.Feeds.Sinks;

/// <summary>
/// Where an output stood at a checkpoint: its byte length and the SHA-256 of those bytes, so a
/// resume can tell that the file it continues is still the one the checkpoint saw. An output that
/// cannot be cut back or read again (a socket) has length −1 and no hash.
/// </summary>
public readonly record struct OutputMark(long Length, byte[] Sha256)
{
    public static OutputMark None => new(-1, []);
}
