namespace RnnStream.Actors.Protocol;

/// <summary>
/// A key group's last word before it stops: why. Sent to the stream that fed it, which fails the
/// run with this reason rather than wait for answers that will not come.
/// </summary>
public sealed record KeyGroupFailed(int KeyGroup, string Reason);
