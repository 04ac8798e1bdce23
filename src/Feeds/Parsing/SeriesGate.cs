using RnnStream.Feeds.Records;

namespace RnnStream.Feeds.Parsing;

/// <summary>
/// The checks that need a series' history, whatever the format: a valid id, room for a new series
/// (memory stays bounded), and time moving forward within each series.
/// </summary>
internal sealed class SeriesGate(FeedSchema schema)
{
    private readonly Dictionary<string, DateTime> _lastTimestamp = new(StringComparer.Ordinal);
    private long? _resumeOffset;

    public int SeriesCount => _lastTimestamp.Count;

    /// <inheritdoc cref="ISeriesClock.Restore"/>
    public void Restore(IEnumerable<KeyValuePair<string, DateTime>> lastTimes, long? resumeOffset)
    {
        foreach (var (id, time) in lastTimes) _lastTimestamp[id] = time;
        _resumeOffset = resumeOffset;
    }

    /// <summary>Appends the tick, or its reject with the reason, to <paramref name="output"/>.</summary>
    public void Admit(Tick tick, string line, List<FeedRecord> output)
    {
        string id = tick.SeriesId;
        if (id.Length == 0 || id.Length > schema.MaxSeriesIdLength || HasHiddenCharacters(id) || char.IsWhiteSpace(id[0]) || char.IsWhiteSpace(id[^1]))
        {
            output.Add(new Rejected(line, RejectReason.MalformedSeriesId,
                $"series id '{Visible(id)}' is empty, too long, padded or has control or text-direction characters", tick.Offset));
            return;
        }
        if (_lastTimestamp.TryGetValue(id, out var last))
        {
            // Taken before the checkpoint the run resumed from: the replay skips it, as an uninterrupted run never saw it twice.
            if (tick.Offset == _resumeOffset && tick.Timestamp == last) return;
            if (tick.Timestamp <= last)
            {
                output.Add(new Rejected(line, RejectReason.TimestampNotIncreasing,
                    $"series '{id}' is at {tick.Format.Format(last)}; {tick.RawTimestamp} {(tick.Timestamp == last ? "repeats it" : "goes back")}", tick.Offset));
                return;
            }
        }
        else if (_lastTimestamp.Count >= schema.MaxSeries)
        {
            output.Add(new Rejected(line, RejectReason.TooManySeries, $"already {schema.MaxSeries} series; '{id}' would be one more", tick.Offset));
            return;
        }
        _lastTimestamp[id] = tick.Timestamp;
        output.Add(tick);
    }

    /// <summary>A plain loop: this runs on every tick, and LINQ over a string allocates an enumerator each time.</summary>
    private static bool HasHiddenCharacters(string id)
    {
        foreach (char c in id)
            if (char.IsControl(c) || IsBidiControl(c)) return true;
        return false;
    }

    /// <summary>Marks that reorder what a terminal or a table shows (U+202E turns "gpj.exe" into "exe.jpg").</summary>
    private static bool IsBidiControl(char c) => c is '\u061C' or '\u200E' or '\u200F' or (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069');

    /// <summary>The id with control and direction characters as \uXXXX, so the reason itself shows them.</summary>
    private static string Visible(string id) =>
        string.Concat(id.Select(c => char.IsControl(c) || IsBidiControl(c) ? $"\\u{(int)c:X4}" : c.ToString()));
}
