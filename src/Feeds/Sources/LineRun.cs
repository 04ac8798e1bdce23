using System.Text;
using Akka.Actor;

namespace RnnStream.Feeds.Sources;

/// <summary>
/// A run of lines one TCP connection delivered, held as one block of text with each line's place
/// in it, so a line costs no string of its own on its way to the parser (docs/RESULTS.md, socket
/// feeds). <see cref="Connection"/> is the connection's way back (an actor that takes each reply as
/// a string), which works from any node, so a run taken in on one node can be acked and answered
/// from the node whose stream gives its lines their feed positions, the first of which is
/// <see cref="FirstOffset"/>. <see cref="Ended"/>: the connection ended after these lines. Runs are
/// rented from a <see cref="LineRunPool"/> and given back by whoever has read the last line
/// (<see cref="Release"/>); a run that came over the network belongs to no pool.
/// </summary>
public sealed class LineRun
{
    /// <summary>A run takes no more lines once it holds this many while its reader waits for the stream (a read of 64 kB is about a thousand).</summary>
    public const int GatherLimit = 1024;

    private static readonly UTF8Encoding Utf8 = new(false, throwOnInvalidBytes: false);

    private readonly LineRunPool? _pool;
    private char[] _text;
    private int _textLength;
    private (int Start, int Length, bool Truncated)[] _lines;

    internal LineRun(LineRunPool? pool)
    {
        _pool = pool;
        _text = new char[4096];
        _lines = new (int, int, bool)[64];
    }

    /// <summary>A run of its own, as the network hands one over or a test writes one: each line's text, cut off by its connection's end where the flag says so.</summary>
    public static LineRun Of(IActorRef connection, IEnumerable<(string Text, bool Truncated)> lines, bool ended = false, bool wayBackClosed = false)
    {
        var run = new LineRun(null) { Connection = connection, Ended = ended, WayBackClosed = wayBackClosed };
        foreach (var (text, truncated) in lines) run.Add(text, truncated);
        return run;
    }

    /// <summary>The way back to the connection that sent these lines.</summary>
    public IActorRef Connection { get; set; } = ActorRefs.Nobody;

    /// <summary>The connection's writer when it is on this node, for replies without a message; null for a run that came over the network.</summary>
    internal ConnectionWriter? Writer { get; set; }

    /// <summary>The feed position of the first line; the others follow it one by one.</summary>
    public long FirstOffset { get; set; }

    /// <summary>The connection ended after these lines.</summary>
    public bool Ended { get; set; }

    /// <summary>
    /// With <see cref="Ended"/>: the connection closed with its input (an error, the idle timeout, or
    /// nothing owed to its client), so no reply or ack can reach its client any more. Otherwise its
    /// client closed only its sending side and the connection stays until its lines are answered and acked.
    /// </summary>
    public bool WayBackClosed { get; set; }

    public int Count { get; private set; }

    public ReadOnlySpan<char> Line(int index)
    {
        var (start, length, _) = _lines[index];
        return _text.AsSpan(start, length);
    }

    /// <summary>The line at <paramref name="index"/> ended with its connection, before its newline: it is no record.</summary>
    public bool IsTruncated(int index) => _lines[index].Truncated;

    /// <summary>The line at <paramref name="index"/> as a string of its own (for a reject or the network, not for a tick).</summary>
    public string Text(int index) => new(Line(index));

    public void Add(ReadOnlySpan<char> line, bool truncated = false)
    {
        var into = Room(line.Length);
        line.CopyTo(into);
        Added(line.Length, truncated);
    }

    /// <summary>A line as its connection sent it, UTF-8 (a malformed sequence reads as U+FFFD, as the stock decoder does).</summary>
    public void AddUtf8(ReadOnlySpan<byte> line, bool truncated = false) => Added(Utf8.GetChars(line, Room(line.Length)), truncated);

    /// <summary>Back to its pool, once every line has been read; a run of no pool is left to the collector.</summary>
    public void Release() => _pool?.Return(this);

    internal void Reset()
    {
        Count = 0;
        _textLength = 0;
        Ended = false;
        WayBackClosed = false;
        FirstOffset = 0;
        Connection = ActorRefs.Nobody;
        Writer = null;
    }

    /// <summary>Space for a line of at most <paramref name="chars"/> characters (UTF-8 never decodes to more characters than it has bytes).</summary>
    private Span<char> Room(int chars)
    {
        if (_text.Length - _textLength < chars) Array.Resize(ref _text, Math.Max(_textLength + chars, 2 * _text.Length));
        if (Count == _lines.Length) Array.Resize(ref _lines, 2 * _lines.Length);
        return _text.AsSpan(_textLength, chars);
    }

    private void Added(int length, bool truncated)
    {
        _lines[Count++] = (_textLength, length, truncated);
        _textLength += length;
    }
}
