using Akka;
using Akka.Actor;
using Akka.Event;
using Akka.IO;
using Akka.Streams;
using Akka.Streams.Dsl;

namespace RnnStream.Feeds.Sources;

/// <summary>
/// A live feed over TCP: clients connect and send newline-delimited records (CSV or JSON lines).
/// Lines from all connections are merged; a line longer than the limit is cut at the limit and
/// marked so the parser rejects it, and the connection goes on. A connection is a client's own
/// business: its error (a reset), its silence past the idle timeout or its line cut off by its end
/// closes that connection alone, logged and counted, and never the feed. Past the cap a new
/// connection is closed at once, so idle clients cannot make others queue. With
/// <see cref="TcpAcks"/>, each client hears on its socket how many of its lines a committed
/// checkpoint covers.
/// </summary>
public static class TcpLineFeed
{
    /// <param name="acks">Counts each connection's lines so checkpoints can ack them; null: clients get no acks.</param>
    /// <param name="replies">Remembers which connection sent which line, so its predictions can go back there; null: none go back.</param>
    public static Source<RawLine, Task<Akka.Streams.Dsl.Tcp.ServerBinding>> Bind(ActorSystem system, TcpFeedSettings settings, TcpFeedCounters? counters = null, TcpAcks? acks = null,
        TcpReplies? replies = null)
    {
        counters ??= new TcpFeedCounters();
        var log = system.Log;
        var materializer = system.Materializer();
        long offset = 0;
        int active = 0;
        return system.TcpStream()
            .Bind(settings.Host, settings.Port)
            // Akka says only "bind failed": say where, and which keys choose it.
            .SelectError(error => error is BindFailedException
                ? new IOException($"the tcp feed cannot listen on {settings.Host}:{settings.Port}: another process holds the port, or the address is not this machine's (feed.tcp.host, feed.tcp.port)")
                : error)
            // One slot more than the cap, so a connection past it is taken, refused and gone at once.
            .MergeMany(settings.MaxConnections + 1, connection =>
            {
                if (Interlocked.Increment(ref active) > settings.MaxConnections)
                {
                    Interlocked.Decrement(ref active);
                    counters.CountRefused();
                    log.Warning("tcp feed: {0} refused, {1} connections are open already", connection.RemoteAddress, settings.MaxConnections);
                    connection.HandleWith(Flow.FromSinkAndSource(Sink.Cancelled<ByteString>(), Source.Empty<ByteString>()), materializer);
                    return Source.Empty<(FramedLine Line, TcpAcks.Client? Client)>().MapMaterializedValue(_ => Task.FromResult(default(Akka.Streams.Dsl.Tcp.ServerBinding)!));
                }
                counters.CountAccepted();
                var client = acks?.Open() ?? (replies is not null ? new TcpAcks.Client() : null);
                // The way back stays open for acks (only the latest matters) and predictions: a slow reader drops the oldest, never holds the feed.
                return Source.ActorRef<ByteString>(replies is null ? 4 : TcpReplies.UnreadLimit, OverflowStrategy.DropHead)
                    .MapMaterializedValue(replies =>
                    {
                        client?.Attach(replies);
                        return NotUsed.Instance;
                    })
                    .Via(connection.Flow)
                    .IdleTimeout(settings.IdleTimeout)
                    .Via(LineFraming.Lines(settings.MaxLineLength))
                    .RecoverWithRetries(error =>
                    {
                        if (error is TimeoutException)
                        {
                            counters.CountIdleClosed();
                            log.Info("tcp feed: {0} closed, nothing received for {1}", connection.RemoteAddress, settings.IdleTimeout);
                        }
                        else
                        {
                            counters.CountFailed();
                            log.Warning("tcp feed: {0} ended by an error: {1}", connection.RemoteAddress, error.Message);
                        }
                        return Source.Empty<FramedLine>();
                    }, attempts: 1)
                    .WatchTermination((_, done) =>
                    {
                        done.ContinueWith(_ =>
                        {
                            if (client is not null) acks!.Close(client);
                            Interlocked.Decrement(ref active);
                            counters.CountEnded();
                        }, TaskContinuationOptions.ExecuteSynchronously);
                        return NotUsed.Instance;
                    })
                    .Select(line => (Line: line, Client: client))
                    // MergeMany wants the inner mat type to match the outer one; it keeps only the outer (the binding).
                    .MapMaterializedValue(_ => Task.FromResult(default(Akka.Streams.Dsl.Tcp.ServerBinding)!));
            })
            .Select(arrived =>
            {
                long position = offset++;
                arrived.Client?.Arrived(position);
                if (arrived.Client is { } from) replies?.Arrived(position, from);
                return new RawLine(arrived.Line.Text, position, Truncated: !arrived.Line.Terminated);
            });
    }
}
