using Akka.Actor;

namespace RnnStream.Feeds.Sources;

/// <summary>
/// What one TCP connection delivered: a line (cut off at the length limit if
/// <paramref name="Truncated"/>), or, with no text, the connection's end. <paramref name="Connection"/>
/// is its way back (an actor that takes each reply as a string), which works from any node, so
/// a line taken in on one node can be acked and answered from the node whose stream gives it its
/// feed position. A class, not a struct: it passes through several stages, and a stream boxes a
/// struct at each (four boxes a line, a fifth of a socket feed's allocations: docs/RESULTS.md).
/// </summary>
public sealed record TcpArrival(IActorRef Connection, string? Text, bool Truncated)
{
    public bool Ended => Text is null;

    public static TcpArrival End(IActorRef connection) => new(connection, null, false);
}
