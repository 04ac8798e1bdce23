using RnnStream.Feeds.Records;

namespace RnnStream.Feeds.Parsing;

/// <summary>Reads a feed's times in the format the schema names, or in the one detected from the first time it sees.</summary>
internal sealed class TimestampReader(string? pattern)
{
    // The last text read and what it gave: the ticks of many series at one time (a row of a wide
    // file, a minute of a long one) share their time's text, read once.
    private char[] _lastText = new char[32];
    private int _lastLength = -1;
    private DateTime _lastTimestamp;
    private string? _lastKept;

    public TimestampFormat? Format { get; private set; } = pattern switch
    {
        null => null,
        _ when pattern.Equals("seconds", StringComparison.OrdinalIgnoreCase) => TimestampFormat.Seconds,
        _ => TimestampFormat.Pattern(pattern),
    };

    /// <param name="kept">
    /// The text to keep with the tick, so outputs can quote it unchanged: null when the format writes
    /// the time back exactly as the text has it (most feeds), so that reading a time allocates nothing.
    /// </param>
    public bool TryRead(ReadOnlySpan<char> raw, out DateTime timestamp, out string? kept)
    {
        if (_lastLength >= 0 && raw.SequenceEqual(_lastText.AsSpan(0, _lastLength)))
        {
            timestamp = _lastTimestamp;
            kept = _lastKept;
            return true;
        }
        kept = null;
        if (Format is null)
        {
            if (!TimestampFormat.TryDetect(raw, out var detected))
            {
                timestamp = default;
                return false;
            }
            Format = detected;
        }
        if (!Format.TryParse(raw, out timestamp)) return false;
        kept = Format.WritesAs(timestamp, raw) ? null : raw.ToString();
        if (raw.Length > _lastText.Length) _lastText = new char[raw.Length];
        raw.CopyTo(_lastText);
        _lastLength = raw.Length;
        _lastTimestamp = timestamp;
        _lastKept = kept;
        return true;
    }
}
