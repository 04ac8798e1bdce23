using System.Globalization;

namespace RnnStream.Feeds.Records;

/// <summary>
/// How a feed writes its timestamps, learnt from the first one that parses, so that times the
/// system makes up (the target time of a forecast) are written the way the input writes them.
/// </summary>
public sealed class TimestampFormat
{
    private static readonly string[] KnownPatterns =
    [
        "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF",
        // UTC written with a Z: kept so, where the general ISO reader would write seven zeros of fraction.
        "yyyy-MM-dd'T'HH:mm:ss'Z'", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", "yyyy-MM-dd'T'HH:mm'Z'",
        "yyyy-MM-dd HH:mm:ss.FFFFFFF", "yyyy-MM-dd", "M/d/yy H:mm", "M/d/yyyy H:mm", "M/d/yyyy", "yyyyMMdd",
    ];

    private readonly string? _pattern;

    private TimestampFormat(string? pattern) => _pattern = pattern;

    /// <summary>Numbers: seconds since an arbitrary origin (e.g. `t_seconds`).</summary>
    public static TimestampFormat Seconds { get; } = new(null);

    public static TimestampFormat Pattern(string pattern) => new(pattern);

    public override string ToString() => _pattern ?? "seconds";

    /// <summary>Finds the format of <paramref name="sample"/> among the known ones.</summary>
    public static bool TryDetect(ReadOnlySpan<char> sample, out TimestampFormat format)
    {
        sample = sample.Trim();
        if (double.TryParse(sample, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
        {
            format = Seconds;
            return true;
        }
        foreach (var pattern in KnownPatterns)
        {
            if (DateTime.TryParseExact(sample, pattern, CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
            {
                format = new TimestampFormat(pattern);
                return true;
            }
        }
        if (DateTime.TryParse(sample, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out _))
        {
            format = new TimestampFormat("o");
            return true;
        }
        format = Seconds;
        return false;
    }

    public bool TryParse(ReadOnlySpan<char> text, out DateTime timestamp)
    {
        text = text.Trim();
        if (_pattern is null)
        {
            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds) && double.IsFinite(seconds) && Math.Abs(seconds) < 1e11)
            {
                timestamp = DateTime.UnixEpoch.AddTicks((long)Math.Round(seconds * TimeSpan.TicksPerSecond));
                return true;
            }
            timestamp = default;
            return false;
        }
        if (_pattern == "o")
            return DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out timestamp);
        // A Z pattern reads UTC as the general ISO reader does (its kind included).
        var styles = _pattern.EndsWith("'Z'", StringComparison.Ordinal) ? DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal : DateTimeStyles.None;
        return DateTime.TryParseExact(text, _pattern, CultureInfo.InvariantCulture, styles, out timestamp);
    }

    /// <summary>Whether <see cref="Format"/> writes <paramref name="timestamp"/> as exactly <paramref name="text"/> (then the text need not be kept); allocates nothing.</summary>
    public bool WritesAs(DateTime timestamp, ReadOnlySpan<char> text)
    {
        Span<char> written = stackalloc char[64];
        return TryFormat(timestamp, written, out int length) && written[..length].SequenceEqual(text);
    }

    /// <summary><see cref="Format"/> into <paramref name="destination"/>, with no string made; false if it does not fit.</summary>
    public bool TryFormat(DateTime timestamp, Span<char> destination, out int written) => _pattern is null
        ? (timestamp - DateTime.UnixEpoch).TotalSeconds.TryFormat(destination, out written, "0.###", CultureInfo.InvariantCulture)
        : timestamp.TryFormat(destination, out written, _pattern, CultureInfo.InvariantCulture);

    public string Format(DateTime timestamp)
    {
        if (_pattern is null)
        {
            double seconds = (timestamp - DateTime.UnixEpoch).TotalSeconds;
            return seconds.ToString("0.###", CultureInfo.InvariantCulture);
        }
        return timestamp.ToString(_pattern, CultureInfo.InvariantCulture);
    }
}
