namespace RnnStream.Feeds.Records;

/// <summary>
/// The text of the time a writer last wrote in a format, kept so that the next time, if the same,
/// is copied rather than formatted again. Series that tick together share their tick's time and
/// their target's, so a writer of many predictions writes the same two times over and over, and a
/// date pattern costs more to format than the rest of a CSV row's text (docs/RESULTS.md). One
/// writer's own (not thread-safe): a writer keeps one for each time it writes in a row.
/// </summary>
public sealed class RecentTimeText
{
    /// <summary>Room for a time as a pattern writes it; a longer one is kept as a string.</summary>
    private const int Room = 128;

    private readonly char[] _text = new char[Room];
    private TimestampFormat? _format;
    private DateTime _time;
    private int _length;
    private string? _tooLong;

    /// <summary><paramref name="time"/> as <paramref name="format"/> writes it; valid until the next call.</summary>
    public ReadOnlySpan<char> Of(DateTime time, TimestampFormat format)
    {
        // The kind too: a pattern with K writes a UTC time and a local one of the same ticks differently.
        if (!ReferenceEquals(format, _format) || time.Ticks != _time.Ticks || time.Kind != _time.Kind)
        {
            _format = format;
            _time = time;
            _tooLong = format.TryFormat(time, _text, out _length) ? null : format.Format(time);
        }
        return _tooLong is null ? _text.AsSpan(0, _length) : _tooLong;
    }
}
