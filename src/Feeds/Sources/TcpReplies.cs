using System.Buffers;
using System.Text.Json;
using RnnStream.Feeds.Records;
using RnnStream.Feeds.Sinks;

namespace RnnStream.Feeds.Sources;

/// <summary>
/// Sends each TCP client the predictions of the ticks it sent, on its own connection, one JSON line
/// each (<see cref="PredictionFormats.ToJson"/>: times, predicted, interval, weights version,
/// forecaster), each line of its that was set aside (<see cref="Reject"/>) and each tick of its
/// that could not be forecast (<see cref="Failed"/>). A batch's lines for
/// one client go to it as one write, written in UTF-8 straight into a buffer of the client's, with
/// no string per prediction (docs/RESULTS.md). It remembers
/// which connection sent which feed position as runs of consecutive positions (one entry per
/// change of sender, not per line), and forgets runs far behind the predictions going out.
/// </summary>
public sealed class TcpReplies
{
    /// <summary>Bytes of predictions (about 40,000 lines) that may wait unsent on a connection, beyond what its socket buffers, before its client loses the oldest.</summary>
    public const int UnsentLimit = 8 << 20;

    /// <summary>How far behind the latest prediction a sender is still remembered (more than any run keeps in flight).</summary>
    private const long Memory = 1 << 20;

    /// <summary>Where each change of sender starts, and how many lines that client had sent before it (so a line's number on its connection is known).</summary>
    private readonly List<(long Start, TcpAcks.Client Client, long LinesBefore)> _runs = [];
    private readonly Lock _lock = new();

    /// <summary>The clients a batch being sent holds lines for (the output's thread only).</summary>
    private readonly List<TcpAcks.Client> _holding = [];

    /// <summary><paramref name="count"/> lines of <paramref name="client"/> took the feed positions from <paramref name="position"/> on (called in feed order).</summary>
    internal void Arrived(long position, int count, TcpAcks.Client client)
    {
        lock (_lock)
        {
            if (_runs.Count == 0 || !ReferenceEquals(_runs[^1].Client, client)) _runs.Add((position, client, client.LinesArrived));
            client.LinesArrived += count;
        }
    }

    /// <summary>
    /// A line set aside, back to the client that sent it, as one JSON line: <c>{"rejected":{"line":N,
    /// "reason":...,"detail":...,"raw":...}}</c>, N counting that connection's lines from 1. So a client
    /// hears of every line it sent: its prediction, why it has none (here), or that its forecast
    /// failed (<see cref="Failed"/>). The pipeline taps it on its way to the quarantine (<c>PipelineSettings.OnRejected</c>).
    /// </summary>
    public void Reject(Rejected rejected) => Answer(rejected.Offset, "rejected", rejected, static (json, rejected) =>
    {
        json.WriteString("reason", rejected.Reason.ToString());
        json.WriteString("detail", rejected.Detail);
        json.WriteString("raw", rejected.Raw);
    });

    /// <summary>
    /// A tick of a client's that could not be forecast, back to that client as one JSON line:
    /// <c>{"failed":{"line":N,"series":...,"timestamp":...,"error":...,"message":...}}</c>. Without it
    /// the client would wait for a reply that never comes, and one that closed its sending side would
    /// be held open until the idle timeout. The outputs never see such a tick (it has no values), so
    /// the pipeline taps it on its way out (<c>PipelineSettings.OnFailed</c>).
    /// </summary>
    public void Failed(Prediction failed) => Answer(failed.Offset, "failed", failed, static (json, failed) =>
    {
        json.WriteString("series", failed.SeriesId);
        json.WriteString("timestamp", failed.Timestamp);
        json.WriteString("error", failed.Failure?.ErrorType);
        json.WriteString("message", failed.Failure?.Message);
    });

    /// <summary>
    /// One line's reply that is not a prediction, <c>{"kind":{"line":N,...}}</c>, to the client that
    /// sent the line at <paramref name="position"/>, counted as answered. These are rare (a line set
    /// aside, a failed forecast), so each makes its own buffer.
    /// </summary>
    private void Answer<T>(long position, string kind, T about, Action<Utf8JsonWriter, T> fields)
    {
        TcpAcks.Client? sender;
        long line;
        lock (_lock)
        {
            int run = RunOf(position);
            if (run < 0) return;
            sender = _runs[run].Client;
            line = _runs[run].LinesBefore + position - _runs[run].Start + 1;
        }
        var json = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(json))
        {
            writer.WriteStartObject();
            writer.WriteStartObject(kind);
            writer.WriteNumber("line", line);
            fields(writer, about);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }
        json.Write("\n"u8);
        sender.Reply(json.WrittenSpan);
        sender.Answered(1);
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
        int run = RunOf(position);
        return run < 0 ? null : _runs[run].Client;
    }

    /// <summary>The entry of the sender of <paramref name="position"/>; −1 if it is before all remembered.</summary>
    private int RunOf(long position)
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
        return found;
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
