using System.Net.Sockets;
using System.Threading.Tasks.Sources;

namespace RnnStream.Feeds.Sources;

/// <summary>
/// A TCP connection's way out: whole writes (a batch's lines for that client, an ack) appended from
/// any thread of this node, sent in the order appended by one loop that lives as long as the
/// connection. A client that reads too slowly holds nobody back: once more than the limit waits
/// unsent, the oldest whole writes are dropped and counted (a line is never cut). Appending copies
/// into a buffer the writer keeps, and the loop waits on a signal it reuses and on the socket's own
/// reusable sends, so a write allocates nothing; the Akka stream this replaced cost an actor
/// message, a stream element and a task per write (docs/RESULTS.md).
/// </summary>
internal sealed class ConnectionWriter : IValueTaskSource
{
    private readonly Socket _socket;
    private readonly int _unsentLimit;
    private readonly Action _dropped;
    private readonly Lock _lock = new();

    /// <summary>The lengths of the writes in <see cref="_pending"/>, oldest first, so the oldest can go whole.</summary>
    private readonly Queue<int> _pendingWrites = new();

    /// <summary>The writes waiting to be sent: <see cref="_pendingLength"/> bytes from <see cref="_pendingStart"/> (the oldest dropped are skipped, not moved).</summary>
    private byte[] _pending = new byte[4096];
    private int _pendingStart;
    private int _pendingLength;

    /// <summary>The writes taken off <see cref="_pending"/> by the loop, being sent (the loop's alone).</summary>
    private byte[] _sending = new byte[4096];

    private ManualResetValueTaskSourceCore<bool> _appended = new() { RunContinuationsAsynchronously = true };
    private bool _loopWaits;
    private bool _completing;
    private bool _broken;

    /// <param name="unsentLimit">Bytes that may wait unsent (beyond the socket's own buffer) before the oldest writes go.</param>
    /// <param name="dropped">Called (outside the writer's lock) for each write dropped because the client read too slowly.</param>
    public ConnectionWriter(Socket socket, int unsentLimit, Action dropped)
    {
        _socket = socket;
        _unsentLimit = unsentLimit;
        _dropped = dropped;
        Sent = SendAllAsync();
    }

    /// <summary>Done once everything appended before <see cref="Complete"/> is sent, or the socket failed; it never faults.</summary>
    public Task Sent { get; }

    /// <summary>One write, whole: sent after those appended before it, unless the connection has failed or newer writes push it out.</summary>
    public void Append(ReadOnlySpan<byte> write)
    {
        if (write.IsEmpty) return;
        int dropped = 0;
        bool wake;
        lock (_lock)
        {
            if (_broken || _completing) return;
            while (_pendingWrites.Count > 0 && _pendingLength + write.Length > _unsentLimit)
            {
                int oldest = _pendingWrites.Dequeue();
                _pendingStart += oldest;
                _pendingLength -= oldest;
                dropped++;
            }
            if (_pendingLength == 0) _pendingStart = 0;
            MakeRoom(write.Length);
            write.CopyTo(_pending.AsSpan(_pendingStart + _pendingLength));
            _pendingLength += write.Length;
            _pendingWrites.Enqueue(write.Length);
            wake = TakeWaitingLoop();
        }
        for (int i = 0; i < dropped; i++) _dropped();
        if (wake) _appended.SetResult(true);
    }

    /// <summary>No more writes: the loop sends what waits, then ends.</summary>
    public void Complete()
    {
        bool wake;
        lock (_lock)
        {
            _completing = true;
            wake = TakeWaitingLoop();
        }
        if (wake) _appended.SetResult(true);
    }

    /// <summary>
    /// Room for <paramref name="bytes"/> after the waiting writes. The space of dropped writes at the
    /// front is reused by moving the waiting ones down: once the buffer is twice the limit (after a
    /// move there is then room for at least a limit's worth more), or when the space freed is at
    /// least what is moved. So each byte appended is moved about once at most, and a client that
    /// never reads holds the buffer at about twice the limit.
    /// </summary>
    private void MakeRoom(int bytes)
    {
        if (_pending.Length - _pendingStart - _pendingLength >= bytes) return;
        int needed = _pendingLength + bytes;
        if (_pendingStart > 0 && needed <= _pending.Length && (_pending.Length >= 2 * _unsentLimit || _pendingStart >= _pendingLength))
        {
            Buffer.BlockCopy(_pending, _pendingStart, _pending, 0, _pendingLength);
            _pendingStart = 0;
            return;
        }
        var grown = new byte[Math.Max(needed, Math.Min(2 * _pending.Length, 2 * _unsentLimit + bytes))];
        Buffer.BlockCopy(_pending, _pendingStart, grown, 0, _pendingLength);
        _pending = grown;
        _pendingStart = 0;
    }

    /// <summary>The bytes its two buffers take (the waiting writes' and the one being sent), for tests of its bound.</summary>
    internal int BufferBytes
    {
        get
        {
            lock (_lock) return _pending.Length + _sending.Length;
        }
    }

    private bool TakeWaitingLoop()
    {
        if (!_loopWaits) return false;
        _loopWaits = false;
        return true;
    }

    private async Task SendAllAsync()
    {
        try
        {
            while (true)
            {
                int start = 0, length = 0;
                bool wait = false;
                lock (_lock)
                {
                    if (_pendingLength > 0)
                    {
                        (_pending, _sending) = (_sending, _pending);
                        (start, length) = (_pendingStart, _pendingLength);
                        (_pendingStart, _pendingLength) = (0, 0);
                        _pendingWrites.Clear();
                    }
                    else if (_completing) return;
                    else wait = _loopWaits = true;
                }
                if (wait)
                {
                    // Not on the caller's context: the loop would otherwise keep whatever context made the connection.
                    await new ValueTask(this, _appended.Version).ConfigureAwait(false);
                    continue;
                }
                var unsent = _sending.AsMemory(start, length);
                while (!unsent.IsEmpty) unsent = unsent[await _socket.SendAsync(unsent, SocketFlags.None).ConfigureAwait(false)..];
            }
        }
        catch (Exception)
        {
            // The connection failed or was closed (a reset, the feed stopping): its reading side ends it and counts why; nothing more is kept for it.
            lock (_lock)
            {
                _broken = true;
                (_pendingStart, _pendingLength) = (0, 0);
                _pendingWrites.Clear();
            }
        }
    }

    void IValueTaskSource.GetResult(short token)
    {
        _appended.GetResult(token);
        // The loop is the only awaiter and awaits again only after this: the signal is ready for the next wait.
        _appended.Reset();
    }

    ValueTaskSourceStatus IValueTaskSource.GetStatus(short token) => _appended.GetStatus(token);

    void IValueTaskSource.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _appended.OnCompleted(continuation, state, token, flags);
}
