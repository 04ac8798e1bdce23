using Akka;
using Akka.Actor;
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
    /// <param name="acks">Counts each connection's lines so checkpoints can ack them; null: clients get no acks.</param>
    /// <param name="replies">Remembers which connection sent which line, so its predictions can go back there; null: none go back.</param>
    /// <param name="elsewhere">Lines other nodes' listeners took in, merged with this one's before they take feed positions; null: this listener's alone.</param>
    public static Source<LineRun, Task<Akka.Streams.Dsl.Tcp.ServerBinding>> Bind(ActorSystem system, TcpFeedSettings settings, TcpFeedCounters? counters = null, TcpAcks? acks = null,
        TcpReplies? replies = null, Source<LineRun, NotUsed>? elsewhere = null)
    {
        var arrivals = Connections(system, settings, counters, predictionsBack: replies is not null, acked: acks is not null);
        if (elsewhere is not null) arrivals = arrivals.MergeMaterialized(elsewhere, Keep.Left);
        return arrivals.Via(Positions(acks, replies));
    }

    /// <summary>
    /// Every connection's lines as they arrive, in runs with its way back, and its end (its last run
    /// is marked <see cref="LineRun.Ended"/>). This is all a node's listener does when another
    /// node's stream gives the lines their positions. A run holds as many lines as arrived while the
    /// stream was busy (one, when it waits): a line crossing into the stream on its own cost Akka an
    /// async input and its closures, and a string and a record of its own, most of what a socket
    /// feed allocated (docs/RESULTS.md); the reads themselves go into buffers each connection keeps
    /// (<see cref="TcpLineListener"/>).
    /// </summary>
    /// <param name="predictionsBack">Each client gets its predictions back, so its way back holds many unread lines; else only acks, of which the latest is all that matters.</param>
    /// <param name="acked">Each client is acked as checkpoints commit (the run keeps durable state).</param>
    public static Source<LineRun, Task<Akka.Streams.Dsl.Tcp.ServerBinding>> Connections(ActorSystem system, TcpFeedSettings settings, TcpFeedCounters? counters,
        bool predictionsBack, bool acked)
    {
        counters ??= new TcpFeedCounters();
        var log = system.Log;
        // Listens when the stream starts, not when the graph is built, and stops with it.
        return Source.Setup((_, _) =>
        {
            var listener = TcpLineListener.Listen(settings, counters, log, system, predictionsBack, acked);
            return ChannelSource.FromReader(listener.Runs).WatchTermination((_, done) =>
            {
                done.ContinueWith(_ => listener.Dispose(), TaskContinuationOptions.ExecuteSynchronously);
                return listener.Binding;
            });
        });
    }

    /// <summary>
    /// Gives each run's lines their feed positions, in arrival order, and remembers their connection
    /// for the acks and the predictions that go back; a connection's end lets it go. A run of no
    /// lines (an end) goes no further.
    /// </summary>
    public static Flow<LineRun, LineRun, NotUsed> Positions(TcpAcks? acks, TcpReplies? replies) => Flow.FromGraph(new PositionsStage(acks, replies));

    private sealed class PositionsStage(TcpAcks? acks, TcpReplies? replies) : GraphStage<FlowShape<LineRun, LineRun>>
    {
        private readonly TcpAcks? _acks = acks;
        private readonly TcpReplies? _replies = replies;
        private readonly Inlet<LineRun> _in = new("positions.in");
        private readonly Outlet<LineRun> _out = new("positions.out");

        public override FlowShape<LineRun, LineRun> Shape => new(_in, _out);

        protected override GraphStageLogic CreateLogic(Attributes inheritedAttributes) => new Logic(this);

        private sealed class Logic : GraphStageLogic
        {
            private readonly Dictionary<IActorRef, TcpAcks.Client> _clients = new();
            private long _offset;

            public Logic(PositionsStage stage) : base(stage.Shape)
            {
                SetHandler(stage._in, onPush: () =>
                {
                    var run = Grab(stage._in);
                    if (run.Count > 0)
                    {
                        if (!_clients.TryGetValue(run.Connection, out var client))
                        {
                            client = stage._acks?.Open() ?? new TcpAcks.Client();
                            client.Attach(run.Connection, run.Writer);
                            _clients.Add(run.Connection, client);
                        }
                        run.FirstOffset = _offset;
                        // Without acks nothing would ever take the positions off again.
                        if (stage._acks is not null) client.Arrived(_offset, run.Count);
                        stage._replies?.Arrived(_offset, run.Count, client);
                        _offset += run.Count;
                    }
                    // Its replies and acks still to come close the connection once sent (a client that closed only its sending side reads them);
                    // a connection closed already gets none (on another node they would be dead letters).
                    if (run.Ended && _clients.Remove(run.Connection, out var gone) && (stage._acks is not null || stage._replies is not null))
                    {
                        if (run.WayBackClosed) gone.Closed();
                        else gone.Ended();
                    }
                    if (run.Count > 0) Push(stage._out, run);
                    else
                    {
                        run.Release();
                        Pull(stage._in);
                    }
                });
                SetHandler(stage._out, onPull: () => Pull(stage._in));
            }
        }
    }
}
