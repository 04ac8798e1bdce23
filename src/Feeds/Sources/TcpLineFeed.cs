using Akka;
using Akka.Actor;
using Akka.IO;
using Akka.Streams.Dsl;

namespace RnnStream.Feeds.Sources;

/// <summary>
/// A live feed over TCP: clients connect and send newline-delimited records (CSV or JSON lines).
/// Lines from all connections are merged; a line longer than the limit is cut at the limit and
/// marked so the parser rejects it, and the connection goes on.
/// </summary>
public static class TcpLineFeed
{
    public static Source<RawLine, Task<Akka.Streams.Dsl.Tcp.ServerBinding>> Bind(ActorSystem system, string host, int port, int maxLineLength, int maxConnections = 64)
    {
        long offset = 0;
        return system.TcpStream()
            .Bind(host, port)
            .MergeMany(maxConnections, connection =>
                Source.Maybe<ByteString>()
                    .Via(connection.Flow)
                    .Via(LineFraming.Lines(maxLineLength))
                    .Recover(_ => Akka.Util.Option<string>.None)
                    // MergeMany wants the inner mat type to match the outer one; it keeps only the outer (the binding).
                    .MapMaterializedValue(_ => Task.FromResult(default(Akka.Streams.Dsl.Tcp.ServerBinding)!)))
            .Select(line => new RawLine(line, Interlocked.Increment(ref offset) - 1));
    }
}
