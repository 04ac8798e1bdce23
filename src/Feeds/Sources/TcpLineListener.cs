using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using Akka;
using Akka.Actor;
using Akka.Event;
using Akka.Streams;
using Akka.Streams.Dsl;

namespace RnnStream.Feeds.Sources;

/// <summary>
/// The sockets of a TCP feed: it listens, takes connections up to the cap, reads each one into
/// runs of lines through a buffer the connection keeps, and hands the runs to the stream through a
/// bounded channel. Akka's TCP copied every read into an array of its own, the last thing a socket
/// feed allocated per line (docs/RESULTS.md). A connection's lines gather in one run while the
/// stream is busy, as long as more have arrived already; then the connection waits its turn, so a
/// slow stream holds its clients back instead of buffering without bound. Each connection's way back
/// (acks, predictions) is a <see cref="ConnectionWriter"/>: senders on this node append to it
/// directly, other nodes through its actor.
/// </summary>
internal sealed class TcpLineListener : IDisposable
{
    /// <summary>Runs waiting for the stream, from all connections together.</summary>
    private const int RunsWaiting = 8;

    private const int ReadSize = 64 * 1024;

    /// <summary>Acks are totals, so a client that reads slowly needs only the latest few.</summary>
    private const int AcksUnsentLimit = 1024;

    private readonly TcpFeedSettings _settings;
    private readonly TcpFeedCounters _counters;
    private readonly ILoggingAdapter _log;
    private readonly ActorSystem _system;
    private readonly bool _predictionsBack;

    /// <summary>Replies (predictions, or acks) may still be owed to a client once it has sent its last line.</summary>
    private readonly bool _repliesOwed;
    private readonly Socket _listening;
    private readonly LineRunPool _pool = new();
    private readonly Channel<LineRun> _runs = Channel.CreateBounded<LineRun>(new BoundedChannelOptions(RunsWaiting) { SingleReader = true });
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<Connection, byte> _open = new();
    private readonly Timer _idleCheck;
    private int _active;
    private volatile bool _unbound;

    private TcpLineListener(TcpFeedSettings settings, TcpFeedCounters counters, ILoggingAdapter log, ActorSystem system, bool predictionsBack, bool acked, Socket listening)
    {
        _settings = settings;
        _counters = counters;
        _log = log;
        _system = system;
        _predictionsBack = predictionsBack;
        _repliesOwed = predictionsBack || acked;
        _listening = listening;
        var every = TimeSpan.FromTicks(Math.Clamp(settings.IdleTimeout.Ticks / 4, TimeSpan.FromMilliseconds(50).Ticks, TimeSpan.FromSeconds(1).Ticks));
        _idleCheck = new Timer(_ => CloseIdle(), null, every, every);
        Binding = new Akka.Streams.Dsl.Tcp.ServerBinding(listening.LocalEndPoint!, Unbind);
        _ = AcceptAsync();
    }

    /// <summary>Where it listens, and a way to stop taking connections (the runs end once the open ones have).</summary>
    public Akka.Streams.Dsl.Tcp.ServerBinding Binding { get; }

    /// <summary>Every connection's runs, in the order each connection sent its lines; a connection's last run is marked <see cref="LineRun.Ended"/>.</summary>
    public ChannelReader<LineRun> Runs => _runs.Reader;

    /// <summary>Listens on the settings' address, or fails saying where and which keys choose it.</summary>
    /// <param name="acked">Clients are acked as checkpoints commit, so one that closed its sending side is kept open for its last acks.</param>
    public static TcpLineListener Listen(TcpFeedSettings settings, TcpFeedCounters counters, ILoggingAdapter log, ActorSystem system, bool predictionsBack, bool acked)
    {
        Socket? listening = null;
        try
        {
            var address = IPAddress.TryParse(settings.Host, out var parsed) ? parsed : Resolve(settings.Host);
            listening = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            listening.Bind(new IPEndPoint(address, settings.Port));
            listening.Listen(512);
        }
        catch (SocketException e)
        {
            listening?.Dispose();
            throw new IOException($"the tcp feed cannot listen on {settings.Host}:{settings.Port}: another process holds the port, or the address is not this machine's (feed.tcp.host, feed.tcp.port)", e);
        }
        return new TcpLineListener(settings, counters, log, system, predictionsBack, acked, listening);
    }

    /// <summary>A host name's address, IPv4 first (as "localhost" is usually meant).</summary>
    private static IPAddress Resolve(string host)
    {
        var addresses = Dns.GetHostAddresses(host);
        return addresses.FirstOrDefault(address => address.AddressFamily == AddressFamily.InterNetwork) ?? addresses.FirstOrDefault()
            ?? throw new SocketException((int)SocketError.HostNotFound);
    }

    /// <summary>The stream has ended: no more connections, the open ones closed, runs not yet read dropped.</summary>
    public void Dispose()
    {
        if (_stopping.IsCancellationRequested) return;
        _stopping.Cancel();
        _unbound = true;
        _listening.Dispose();
        _idleCheck.Dispose();
        foreach (var connection in _open.Keys) connection.Close();
        _runs.Writer.TryComplete();
    }

    private Task Unbind()
    {
        _unbound = true;
        _listening.Dispose();
        CompleteOnceAllEnded();
        return Task.CompletedTask;
    }

    private void CompleteOnceAllEnded()
    {
        if (_unbound && Volatile.Read(ref _active) == 0) _runs.Writer.TryComplete();
    }

    private async Task AcceptAsync()
    {
        while (!_unbound)
        {
            Socket socket;
            try
            {
                socket = await _listening.AcceptAsync(_stopping.Token);
            }
            catch (Exception) when (_unbound)
            {
                return;
            }
            catch (SocketException e)
            {
                // Out of descriptors, say: the listener goes on, a little later.
                _log.Warning("tcp feed: a connection could not be accepted: {0}", e.Message);
                await Task.Delay(100);
                continue;
            }
            var remote = socket.RemoteEndPoint;
            if (Interlocked.Increment(ref _active) > _settings.MaxConnections)
            {
                Interlocked.Decrement(ref _active);
                _counters.CountRefused();
                _log.Warning("tcp feed: {0} refused, {1} connections are open already", remote, _settings.MaxConnections);
                socket.Dispose();
                continue;
            }
            _counters.CountAccepted();
            var writer = new ConnectionWriter(socket, _predictionsBack ? TcpReplies.UnsentLimit : AcksUnsentLimit, _counters.CountReplyDropped);
            var connection = new Connection(socket, remote, writer, _system.ActorOf(ConnectionWriterActor.Props(writer)));
            _open.TryAdd(connection, 0);
            _ = ServeAsync(connection);
        }
    }

    private async Task ServeAsync(Connection connection)
    {
        var framer = new LineFramer(_settings.MaxLineLength, _pool);
        var buffer = new byte[ReadSize];
        bool clientClosed = false;
        try
        {
            while (true)
            {
                // Straight on the socket, not through a method of its own: an async method that waits allocates each time.
                connection.Receiving();
                int read = await connection.Socket.ReceiveAsync(buffer.AsMemory(), SocketFlags.None, connection.Closing);
                connection.Received();
                if (read == 0)
                {
                    framer.Finish();
                    clientClosed = true;
                    break;
                }
                framer.Frame(buffer.AsSpan(0, read));
                await OfferAsync(connection, framer);
            }
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException or IOException or ChannelClosedException)
        {
            if (_stopping.IsCancellationRequested)
            {
                // The feed stopped: not the client's doing.
            }
            else if (connection.ClosedIdle)
            {
                _counters.CountIdleClosed();
                _log.Info("tcp feed: {0} closed, nothing received for {1}", connection.Remote, _settings.IdleTimeout);
            }
            else
            {
                _counters.CountFailed();
                _log.Warning("tcp feed: {0} ended by an error: {1}", connection.Remote, e.Message);
            }
        }
        await EndAsync(connection, framer, clientClosed);
    }

    /// <summary>
    /// The lines framed so far go to the stream if it has room; while it has none they gather, as
    /// long as more have arrived already and the run is not full; then the connection waits.
    /// </summary>
    [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask OfferAsync(Connection connection, LineFramer framer)
    {
        if (framer.Run is not { } run) return;
        run.Connection = connection.Back;
        run.Writer = connection.Writer;
        // Counted before it goes: once read, the run is back in its pool, emptied.
        int lines = run.Count;
        if (_runs.Writer.TryWrite(run))
        {
            connection.LinesSent += lines;
            framer.Take();
            return;
        }
        if (run.Count < LineRun.GatherLimit && connection.Socket.Available > 0) return;
        await _runs.Writer.WriteAsync(run, _stopping.Token);
        connection.LinesSent += lines;
        framer.Take();
    }

    /// <summary>
    /// Every whole line the connection sent goes on (and an unfinished one, cut off, when it closed
    /// cleanly), then its end; its way back closes with it, or, when its client closed only its
    /// sending side and gets its predictions back or acks, once each of its lines has had its reply
    /// and its ack.
    /// </summary>
    private async Task EndAsync(Connection connection, LineFramer framer, bool clientClosed)
    {
        bool endPosted = false, closeOnceAnswered = false;
        try
        {
            var last = framer.Take() ?? _pool.Rent();
            last.Connection = connection.Back;
            last.Writer = connection.Writer;
            last.Ended = true;
            int lines = last.Count;
            closeOnceAnswered = clientClosed && _repliesOwed && connection.LinesSent + lines > 0;
            last.WayBackClosed = !closeOnceAnswered;
            await _runs.Writer.WriteAsync(last, _stopping.Token);
            connection.LinesSent += lines;
            endPosted = true;
        }
        catch (Exception e) when (e is OperationCanceledException or ChannelClosedException)
        {
            // The feed stopped first: nothing reads the runs any more.
        }
        finally
        {
            _open.TryRemove(connection, out _);
            if (endPosted && closeOnceAnswered) _ = CloseOnceAnsweredAsync(connection);
            else Close(connection);
        }
    }

    /// <summary>
    /// The client has closed its sending side and may still be reading: the connection stays open,
    /// and counts against the cap, until every line it sent has had its reply and its ack sent (its
    /// writer then ends), or for the idle timeout at most (the next checkpoint may come later).
    /// </summary>
    private async Task CloseOnceAnsweredAsync(Connection connection)
    {
        await Task.WhenAny(connection.Writer.Sent, Task.Delay(_settings.IdleTimeout));
        Close(connection);
    }

    private void Close(Connection connection)
    {
        connection.Back.Tell(new Status.Success(NotUsed.Instance));
        connection.Close();
        Interlocked.Decrement(ref _active);
        _counters.CountEnded();
        CompleteOnceAllEnded();
    }

    private void CloseIdle()
    {
        long now = Environment.TickCount64;
        foreach (var connection in _open.Keys) connection.CloseIfIdleSince(now - (long)_settings.IdleTimeout.TotalMilliseconds);
    }

    /// <summary>One client's socket, its way back (the writer, and the actor other nodes reach it by), and since when it has been waiting for bytes (not counted while the stream holds it back).</summary>
    private sealed class Connection(Socket socket, EndPoint? remote, ConnectionWriter writer, IActorRef back)
    {
        private const long NotWaiting = long.MaxValue;
        private readonly CancellationTokenSource _closing = new();
        private long _waitingSince = NotWaiting;
        private volatile bool _closedIdle;

        public Socket Socket { get; } = socket;
        public EndPoint? Remote { get; } = remote;
        public ConnectionWriter Writer { get; } = writer;
        public IActorRef Back { get; } = back;

        /// <summary>Lines handed to the stream so far (the connection's reading loop only).</summary>
        public long LinesSent { get; set; }

        /// <summary>Cancelled when the connection is closed: idle, or with the feed.</summary>
        public CancellationToken Closing => _closing.Token;

        public bool ClosedIdle => _closedIdle;

        public void Receiving() => Volatile.Write(ref _waitingSince, Environment.TickCount64);

        public void Received() => Volatile.Write(ref _waitingSince, NotWaiting);

        public void CloseIfIdleSince(long cutoff)
        {
            if (Volatile.Read(ref _waitingSince) > cutoff) return;
            _closedIdle = true;
            Cancel();
        }

        public void Close()
        {
            Cancel();
            Socket.Dispose();
        }

        private void Cancel()
        {
            try
            {
                _closing.Cancel();
            }
            catch (ObjectDisposedException)
            {
            }
        }
    }
}
