using System.Buffers;
using System.Collections.Concurrent;
using Akka.Actor;
using RnnStream.Feeds.Records;
using RnnStream.Feeds.Sinks;

namespace RnnStream.Feeds.Sources;

/// <summary>
/// What each TCP client may forget: when a checkpoint commits (the run's state and outputs are
/// durable up to a feed position), every connection whose lines that checkpoint covers is told, on
/// its own socket, how many of its lines are now safe: one JSON line, <c>{"acked":N}</c>, where N
/// counts from its first line. A client that keeps its lines until acked and, after a crash of the
/// service, resends the ones after its last ack loses nothing and doubles nothing (a line resent
/// that the state already holds is rejected as not newer).
/// </summary>
public sealed class TcpAcks
{
    private readonly ConcurrentDictionary<Client, byte> _open = new();

    /// <summary>A connection that was accepted: its lines are counted from here on.</summary>
    internal Client Open()
    {
        var client = new Client(this);
        _open.TryAdd(client, 0);
        return client;
    }

    internal void Close(Client client) => _open.TryRemove(client, out _);

    /// <summary>
    /// Every line that arrived before feed position <paramref name="nextOffset"/> is covered by a
    /// committed checkpoint; each client with newly covered lines is told its new total.
    /// </summary>
    public void CoveredBelow(long nextOffset)
    {
        foreach (var client in _open.Keys) client.CoveredBelow(nextOffset);
    }

    /// <summary>One connection: the feed positions of its lines not yet acked (as runs of consecutive positions), and its socket's way back.</summary>
    /// <param name="acks">The acks it is counted in; null when the feed sends none.</param>
    internal sealed class Client(TcpAcks? acks = null)
    {
        private readonly Queue<(long First, int Count)> _unacked = new();
        private int _headAcked;
        private long _acked;
        private IActorRef? _replies;
        private ConnectionWriter? _writer;

        /// <summary>Predictions' lines held for one write (<see cref="Hold"/>, <see cref="SendHeld"/>), on the output's thread only.</summary>
        private ArrayBufferWriter<byte>? _held;
        private int _heldCount;

        /// <summary>Lines answered (a prediction, a reject or a failure sent back), whether the connection has ended, and whether it was told all are answered and acked.</summary>
        private readonly Lock _answering = new();
        private long _answered;
        private bool _ended;
        private bool _toldAllAnswered;

        /// <summary>
        /// The connection's way back: its writer when the connection is on this node (replies are
        /// appended to it, no message), else its actor, which takes UTF-8 bytes from any node.
        /// </summary>
        public void Attach(IActorRef replies, ConnectionWriter? writer = null)
        {
            _replies = replies;
            _writer = writer;
        }

        /// <summary>Lines this client has sent that took feed positions (kept by <see cref="TcpReplies"/>, under its lock).</summary>
        internal long LinesArrived { get; set; }

        /// <summary>The connection has closed: what is still owed to it goes nowhere (<see cref="Closed"/>).</summary>
        private volatile bool _closed;

        /// <summary>One whole write to the client, from any thread: to its writer on this node, else copied into a message.</summary>
        public void Reply(ReadOnlySpan<byte> write)
        {
            if (_closed) return;
            if (_writer is not null) _writer.Append(write);
            else _replies?.Tell(write.ToArray());
        }

        /// <summary><paramref name="lines"/> more of this client's lines have had their reply sent (a prediction, why it was set aside, or that its forecast failed).</summary>
        public void Answered(int lines)
        {
            lock (_answering) _answered += lines;
            TellIfAllAnswered();
        }

        /// <summary>The connection ended (its client closed it, or only its sending side): no more lines will arrive from it.</summary>
        public void Ended()
        {
            lock (_answering) _ended = true;
            TellIfAllAnswered();
        }

        /// <summary>
        /// The connection ended and closed at once (an error, the idle timeout): no reply or ack can
        /// reach its client, so none is sent, and the lines it is still owed are no longer tracked.
        /// </summary>
        public void Closed()
        {
            _closed = true;
            acks?.Close(this);
        }

        /// <summary>
        /// Once the connection has ended, each of its lines has had its reply (with predictions back)
        /// and its ack (with acks), the connection is told (its writer completed, or an empty write to
        /// its actor), so it can close after sending them rather than cut them off; and it is acked no more.
        /// </summary>
        private void TellIfAllAnswered()
        {
            lock (_answering)
            {
                if (!_ended || _toldAllAnswered || _answered < LinesArrived || !AllAcked()) return;
                _toldAllAnswered = true;
            }
            acks?.Close(this);
            if (_writer is not null) _writer.Complete();
            else _replies?.Tell(Array.Empty<byte>());
        }

        private bool AllAcked()
        {
            lock (_unacked) return _unacked.Count == 0;
        }

        /// <summary><paramref name="count"/> of this client's lines took the feed positions from <paramref name="first"/> on (called in feed order).</summary>
        public void Arrived(long first, int count)
        {
            lock (_unacked) _unacked.Enqueue((first, count));
        }

        /// <summary>A prediction's JSON line, held to go with the rest of its batch's; true if it is the first held.</summary>
        public bool Hold(Prediction prediction)
        {
            var held = _held ??= new ArrayBufferWriter<byte>(1 << 12);
            bool first = held.WrittenCount == 0;
            PredictionFormats.WriteJsonLine(prediction, held);
            _heldCount++;
            return first;
        }

        /// <summary>
        /// The held lines to the client as one write: appended to its writer when the connection is
        /// on this node, else copied into a message, since what crosses a node is never pooled (DESIGN.md).
        /// </summary>
        public void SendHeld()
        {
            if (_held is not { WrittenCount: > 0 } held) return;
            Reply(held.WrittenSpan);
            held.ResetWrittenCount();
            int answered = _heldCount;
            _heldCount = 0;
            Answered(answered);
        }

        public void CoveredBelow(long nextOffset)
        {
            lock (_unacked)
            {
                long covered = 0;
                while (_unacked.TryPeek(out var run) && run.First + _headAcked < nextOffset)
                {
                    int upTo = (int)Math.Min(run.Count, nextOffset - run.First);
                    covered += upTo - _headAcked;
                    if (upTo < run.Count)
                    {
                        _headAcked = upTo;
                        break;
                    }
                    _unacked.Dequeue();
                    _headAcked = 0;
                }
                if (covered == 0) return;
                _acked += covered;
                // Acks are totals, so when the client reads slowly an older one can go (its writer drops the oldest).
                // Sent before the lock is let go: once the lines show as acked, the connection may be told it can close.
                Span<byte> line = stackalloc byte[32];
                System.Text.Unicode.Utf8.TryWrite(line, $"{{\"acked\":{_acked}}}\n", out int length);
                Reply(line[..length]);
            }
            TellIfAllAnswered();
        }
    }
}
