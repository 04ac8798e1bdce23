using RnnStream.Feeds.Records;
using RnnStream.Feeds.Sinks;

namespace RnnStream.Feeds.Sources;

/// <summary>
/// Sends each TCP client the predictions of the ticks it sent, on its own connection, one JSON line
/// each (<see cref="PredictionFormats.ToJson"/>: times, predicted, interval, weights version,
/// forecaster). A batch's lines for one client go to it as one write, written in UTF-8 straight
/// into a buffer of the client's, with no string per prediction (docs/RESULTS.md). It remembers
/// which connection sent which feed position as runs of consecutive positions (one entry per
/// change of sender, not per line), and forgets runs far behind the predictions going out.
/// </summary>
public sealed class TcpReplies
{
    /// <summary>Bytes of predictions (about 40,000 lines) that may wait unsent on a connection, beyond what its socket buffers, before its client loses the oldest.</summary>
    public const int UnsentLimit = 8 << 20;

    /// <summary>How far behind the latest prediction a sender is still remembered (more than any run keeps in flight).</summary>
    private const long Memory = 1 << 20;

    private readonly List<(long Start, TcpAcks.Client Client)> _runs = [];
    private readonly Lock _lock = new();

    /// <summary>The clients a batch being sent holds lines for (the output's thread only).</summary>
    private readonly List<TcpAcks.Client> _holding = [];

    /// <summary>The line at feed position <paramref name="position"/> came from <paramref name="client"/> (called in feed order).</summary>
    internal void Arrived(long position, TcpAcks.Client client)
    {
        lock (_lock)
        {
            if (_runs.Count == 0 || !ReferenceEquals(_runs[^1].Client, client)) _runs.Add((position, client));
        }
    }

    /// <summary>A batch's predictions, each back to whoever sent its tick: a tap on the way to the output (one thread at a time).</summary>
    public void Send(PredictionBatch batch)
    {
        foreach (var prediction in batch)
        {
            if (prediction.IsFailed) continue;
            TcpAcks.Client? sender;
            lock (_lock)
            {
                sender = SenderOf(prediction.Offset);
                Forget(prediction.Offset - Memory);
            }
            if (sender is not null && sender.Hold(prediction)) _holding.Add(sender);
        }
        foreach (var client in _holding) client.SendHeld();
        _holding.Clear();
    }

    private TcpAcks.Client? SenderOf(long position)
    {
        int low = 0, high = _runs.Count - 1, found = -1;
        while (low <= high)
        {
            int middle = (low + high) >> 1;
            if (_runs[middle].Start <= position)
            {
                found = middle;
                low = middle + 1;
            }
            else high = middle - 1;
        }
        return found < 0 ? null : _runs[found].Client;
    }

    /// <summary>Runs wholly before <paramref name="position"/> go (the run holding it stays), in one removal once there are many.</summary>
    private void Forget(long position)
    {
        if (_runs.Count < 1024) return;
        int first = 0;
        while (first + 1 < _runs.Count && _runs[first + 1].Start <= position) first++;
        if (first > 512) _runs.RemoveRange(0, first);
    }
}
