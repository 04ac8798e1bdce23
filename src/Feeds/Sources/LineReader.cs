namespace RnnStream.Feeds.Sources;

/// <summary>
/// The lines of a text, each handed over in place in a buffer that is reused, so reading a line
/// allocates nothing (a string per line was most of a file feed's garbage). Lines end as
/// <see cref="TextReader.ReadLine"/> ends them: at "\n", "\r" or "\r\n", and at the end of the text.
/// </summary>
internal sealed class LineReader(TextReader reader, int bufferSize = 1 << 16)
{
    private char[] _buffer = new char[bufferSize];
    private int _start;
    private int _end;
    private bool _ended;

    /// <summary>The next line, valid until the next call; false at the end of the text.</summary>
    public bool TryRead(out ReadOnlySpan<char> line)
    {
        int scanned = 0;
        while (true)
        {
            int at = _buffer.AsSpan(_start + scanned, _end - _start - scanned).IndexOfAny('\r', '\n');
            if (at >= 0)
            {
                int stop = _start + scanned + at;
                // A "\r" last in the buffer: whether a "\n" follows, to end the line with it, is in the text still unread.
                if (_buffer[stop] == '\r' && stop + 1 == _end && !_ended)
                {
                    scanned = stop - _start;
                    Fill();
                    continue;
                }
                line = _buffer.AsSpan(_start, stop - _start);
                _start = _buffer[stop] == '\r' && stop + 1 < _end && _buffer[stop + 1] == '\n' ? stop + 2 : stop + 1;
                return true;
            }
            scanned = _end - _start;
            if (_ended)
            {
                line = _buffer.AsSpan(_start, _end - _start);
                _start = _end;
                return line.Length > 0;
            }
            Fill();
        }
    }

    /// <summary>More of the text behind what is unread, which moves to the front (the buffer grows only for a line longer than it).</summary>
    private void Fill()
    {
        int unread = _end - _start;
        if (unread == _buffer.Length) Array.Resize(ref _buffer, _buffer.Length * 2);
        else if (_start > 0) Array.Copy(_buffer, _start, _buffer, 0, unread);
        _start = 0;
        _end = unread;
        int read = reader.Read(_buffer, _end, _buffer.Length - _end);
        if (read == 0) _ended = true;
        else _end += read;
    }
}
