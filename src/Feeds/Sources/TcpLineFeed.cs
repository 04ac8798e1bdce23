using Akka;
using Akka.Actor;
using Akka.Event;
using Akka.IO;
using Akka.Streams;
using Akka.Streams.Dsl;
using Akka.Streams.Stage;

namespace RnnStream.Feeds.Sources;

/// <summary>
/// A live feed over TCP: clients connect and send newline-delimited records (CSV or JSON lines).
/// Lines from all connections are merged; a line longer than the limit is cut at the limit and
/// marked so the parser rejects it, and the connection goes on. A connection is a client's own
/// business: its error (a reset), its silence past the idle timeout or its line cut off by its end
/// closes that connection alone, logged and counted, and never the feed. Past the cap a new
/// connection is closed at once, so idle clients cannot make others queue. With
/// <see cref="TcpAcks"/>, each client hears on its socket how many of its lines a committed
/// checkpoint covers. On a cluster every node may listen: the others' lines join the
/// coordinating node's before they take feed positions, so one checkpoint cut covers them all.
/// </summary>
public static class TcpLineFeed
{
    /// <summary>A connection's run of lines into the merge holds at most this many (a read of 64 kB is about a thousand).</summary>
    private const int LinesPerRun = 1024;

    /// <param name="acks">Counts each connection's lines so checkpoints can ack them; null: clients get no acks.</param>
    /// <param name="replies">Remembers which connection sent which line, so its predictions can go back there; null: none go back.</param>
    /// <param name="elsewhere">Lines other nodes' listeners took in, merged with this one's before they take feed positions; null: this listener's alone.</param>
    public static Source<RawLine, Task<Akka.Streams.Dsl.Tcp.ServerBinding>> Bind(ActorSystem system, TcpFeedSettings settings, TcpFeedCounters? counters = null, TcpAcks? acks = null,
        TcpReplies? replies = null, Source<TcpArrival, NotUsed>? elsewhere = null)
    {
        var arrivals = Connections(system, settings, counters, predictionsBack: replies is not null).SelectMany(lines => lines);
        if (elsewhere is not null) arrivals = arrivals.MergeMaterialized(elsewhere, Keep.Left);
        return arrivals.Via(Positions(acks, replies));
    }

    /// <summary>
    /// Every connection's lines as they arrive, each with its way back, and its end. This is all a
    /// node's listener does when another node's stream gives the lines their positions. A
    /// connection's lines come in runs, as many as arrived while the merge of connections was busy
    /// (one, when it waits): a line crossing into the merge on its own cost Akka an async input and
    /// its closures, a quarter of a socket feed's allocations (docs/RESULTS.md).
    /// </summary>
    /// <param name="predictionsBack">Each client gets its predictions back, so its way back holds many unread lines; else only acks, of which the latest is all that matters.</param>
    public static Source<IReadOnlyList<TcpArrival>, Task<Akka.Streams.Dsl.Tcp.ServerBinding>> Connections(ActorSystem system, TcpFeedSettings settings, TcpFeedCounters? counters,
        bool predictionsBack)
    {
        counters ??= new TcpFeedCounters();
        var log = system.Log;
        var materializer = system.Materializer();
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
                    return Source.Empty<IReadOnlyList<TcpArrival>>().MapMaterializedValue(_ => Task.FromResult(default(Akka.Streams.Dsl.Tcp.ServerBinding)!));
                }
                counters.CountAccepted();
                IActorRef back = ActorRefs.Nobody;
                // The way back stays open for acks (only the latest matters) and predictions: a slow reader drops the oldest, never holds the feed.
                return Source.ActorRef<string>(predictionsBack ? TcpReplies.UnreadLimit : 4, OverflowStrategy.DropHead)
                    .MapMaterializedValue(replies =>
                    {
                        back = replies;
                        return NotUsed.Instance;
                    })
                    .Select(ByteString.FromString)
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
                            Interlocked.Decrement(ref active);
                            counters.CountEnded();
                        }, TaskContinuationOptions.ExecuteSynchronously);
                        return NotUsed.Instance;
                    })
                    .Select(line => new TcpArrival(back, line.Text, Truncated: !line.Terminated))
                    // Read when it is due, not when the graph is built: the way back exists only once the connection's stream runs.
                    .Concat(Source.Single(0).Select(_ => TcpArrival.End(back)))
                    .Batch(LinesPerRun, arrival => new List<TcpArrival> { arrival }, (run, arrival) =>
                    {
                        run.Add(arrival);
                        return run;
                    })
                    .Select(run => (IReadOnlyList<TcpArrival>)run)
                    // MergeMany wants the inner mat type to match the outer one; it keeps only the outer (the binding).
                    .MapMaterializedValue(_ => Task.FromResult(default(Akka.Streams.Dsl.Tcp.ServerBinding)!));
            });
    }

    /// <summary>
    /// Gives each line its feed position, in arrival order, and remembers its connection for the acks
    /// and the predictions that go back; a connection's end lets it go. A stage of its own, so a
    /// line costs no collection to hand it on (a one-element list, its enumerator and adapter were
    /// a tenth of a socket feed's allocations: docs/RESULTS.md).
    /// </summary>
    public static Flow<TcpArrival, RawLine, NotUsed> Positions(TcpAcks? acks, TcpReplies? replies) => Flow.FromGraph(new PositionsStage(acks, replies));

    private sealed class PositionsStage(TcpAcks? acks, TcpReplies? replies) : GraphStage<FlowShape<TcpArrival, RawLine>>
    {
        private readonly TcpAcks? _acks = acks;
        private readonly TcpReplies? _replies = replies;
        private readonly Inlet<TcpArrival> _in = new("positions.in");
        private readonly Outlet<RawLine> _out = new("positions.out");

        public override FlowShape<TcpArrival, RawLine> Shape => new(_in, _out);

        protected override GraphStageLogic CreateLogic(Attributes inheritedAttributes) => new Logic(this);

        private sealed class Logic : GraphStageLogic
        {
            private readonly Dictionary<IActorRef, TcpAcks.Client> _clients = new();
            private long _offset;

            public Logic(PositionsStage stage) : base(stage.Shape)
            {
                SetHandler(stage._in, onPush: () =>
                {
                    var arrival = Grab(stage._in);
                    if (arrival.Ended)
                    {
                        if (_clients.Remove(arrival.Connection, out var gone)) stage._acks?.Close(gone);
                        Pull(stage._in);
                        return;
                    }
                    if (!_clients.TryGetValue(arrival.Connection, out var client))
                    {
                        client = stage._acks?.Open() ?? new TcpAcks.Client();
                        client.Attach(arrival.Connection);
                        _clients.Add(arrival.Connection, client);
                    }
                    long position = _offset++;
                    // Without acks nothing would ever take the positions off again.
                    if (stage._acks is not null) client.Arrived(position);
                    stage._replies?.Arrived(position, client);
                    Push(stage._out, new RawLine(arrival.Text!, position, arrival.Truncated));
                });
                SetHandler(stage._out, onPull: () => Pull(stage._in));
            }
        }
    }
}
