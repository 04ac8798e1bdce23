namespace RnnStream.Feeds.Sources;

/// <summary>
/// Bytes to lines, newline-delimited, into runs (<see cref="LineRun"/>), with a bound on line
/// length. Unlike the stock framing, an over-long line does not end the connection: its first
/// bytes are kept with everything up to the next newline dropped, one byte past the limit so the
/// parser rejects it as too long. Bytes a connection ends on without a newline come last, marked as
/// truncated. A line that arrives whole in one read is decoded straight from it; only the start of
/// a line whose end comes in a later read is copied aside.
/// </summary>
public sealed class LineFramer(int maxLineLength, LineRunPool pool)
{
    private readonly MemoryStream _partial = new();
    private LineRun? _run;
    private bool _discarding;

    /// <summary>The lines framed so far and not yet taken, if any.</summary>
    public LineRun? Run => _run;

    /// <summary>Lines framed and not yet taken.</summary>
    public int Count => _run?.Count ?? 0;

    /// <summary>What one read brought: its lines go into the run, the start of an unfinished one is kept.</summary>
    public void Frame(ReadOnlySpan<byte> bytes)
    {
        for (int end = bytes.IndexOf((byte)'\n'); end >= 0; end = bytes.IndexOf((byte)'\n'))
        {
            EndLine(bytes[..end], terminated: true);
            bytes = bytes[(end + 1)..];
        }
        Append(bytes);
    }

    /// <summary>The connection ended: an unfinished line comes last, cut off.</summary>
    public void Finish()
    {
        if (_partial.Length > 0) EndLine(ReadOnlySpan<byte>.Empty, terminated: false);
    }

    /// <summary>The run so far, for whoever reads it next (who gives it back to the pool); null if no line is framed.</summary>
    public LineRun? Take()
    {
        var run = _run;
        _run = null;
        return run;
    }

    /// <summary>Part of a line whose end is in a later read, kept up to one byte past the limit.</summary>
    private void Append(ReadOnlySpan<byte> bytes)
    {
        if (_discarding || bytes.IsEmpty) return;
        int room = maxLineLength + 1 - (int)_partial.Length;
        _partial.Write(bytes[..Math.Min(bytes.Length, room)]);
        if (bytes.Length >= room) _discarding = true;
    }

    /// <summary>A line's last bytes (all of it, when it began in this read), decoded into the run without its "\r" (a CRLF line's).</summary>
    private void EndLine(ReadOnlySpan<byte> tail, bool terminated)
    {
        ReadOnlySpan<byte> line;
        if (_partial.Length == 0) line = tail[..Math.Min(tail.Length, maxLineLength + 1)];
        else
        {
            Append(tail);
            line = _partial.GetBuffer().AsSpan(0, (int)_partial.Length);
        }
        while (!line.IsEmpty && line[^1] == (byte)'\r') line = line[..^1];
        (_run ??= pool.Rent()).AddUtf8(line, truncated: !terminated);
        _partial.SetLength(0);
        _discarding = false;
    }
}
