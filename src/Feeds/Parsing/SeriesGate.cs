using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using RnnStream.Feeds.Records;

namespace RnnStream.Feeds.Parsing;

/// <summary>
/// The checks that need a series' history, whatever the format: a valid id, room for a new series
/// (memory stays bounded), and time moving forward within each series.
/// </summary>
internal sealed class SeriesGate(FeedSchema schema)
{
    /// <summary>Each series' last time, with the gate's own copy of its id: found by a span, both come from one lookup.</summary>
    private readonly Dictionary<string, (string Id, DateTime Last)> _lastTimestamp = new(StringComparer.Ordinal);
    private long? _resumeOffset;

    public int SeriesCount => _lastTimestamp.Count;

    /// <inheritdoc cref="ISeriesClock.Restore"/>
    public void Restore(IEnumerable<KeyValuePair<string, DateTime>> lastTimes, long? resumeOffset)
    {
        foreach (var (id, time) in lastTimes) _lastTimestamp[id] = (id, time);
        _resumeOffset = resumeOffset;
    }

    /// <summary>
    /// Whether a tick of series <paramref name="id"/> at <paramref name="timestamp"/> goes on: the id
    /// to give it (the gate's own copy, so a known series' tick costs no new string), or null when it
    /// does not, with its reject added to <paramref name="output"/> (or none, for the tick a resume skips).
    /// </summary>
    public string? Admit(ReadOnlySpan<char> id, DateTime timestamp, long offset, TimestampFormat format, ReadOnlySpan<char> rawTimestamp, ReadOnlySpan<char> line, ParsedRecords output)
    {
        if (id.Length == 0 || id.Length > schema.MaxSeriesIdLength || HasHiddenCharacters(id) || char.IsWhiteSpace(id[0]) || char.IsWhiteSpace(id[^1]))
        {
            output.Add(new Rejected(line.ToString(), RejectReason.MalformedSeriesId,
                $"series id '{Visible(id)}' is empty, too long, padded or has control or text-direction characters", offset));
            return null;
        }
        ref var seen = ref CollectionsMarshal.GetValueRefOrNullRef(_lastTimestamp.GetAlternateLookup<ReadOnlySpan<char>>(), id);
        if (!Unsafe.IsNullRef(ref seen))
        {
            // Taken before the checkpoint the run resumed from: the replay skips it, as an uninterrupted run never saw it twice.
            if (offset == _resumeOffset && timestamp == seen.Last) return null;
            if (timestamp <= seen.Last)
            {
                output.Add(new Rejected(line.ToString(), RejectReason.TimestampNotIncreasing,
                    $"series '{seen.Id}' is at {format.Format(seen.Last)}; {rawTimestamp} {(timestamp == seen.Last ? "repeats it" : "goes back")}", offset));
                return null;
            }
            seen.Last = timestamp;
            return seen.Id;
        }
        if (_lastTimestamp.Count >= schema.MaxSeries)
        {
            output.Add(new Rejected(line.ToString(), RejectReason.TooManySeries, $"already {schema.MaxSeries} series; '{id}' would be one more", offset));
            return null;
        }
        string added = id.ToString();
        _lastTimestamp[added] = (added, timestamp);
        return added;
    }

    /// <summary>A plain loop: this runs on every tick, and LINQ over a string allocates an enumerator each time.</summary>
    private static bool HasHiddenCharacters(ReadOnlySpan<char> id)
    {
        foreach (char c in id)
            if (char.IsControl(c) || IsBidiControl(c)) return true;
        return false;
    }

    /// <summary>Marks that reorder what a terminal or a table shows (U+202E turns "gpj.exe" into "exe.jpg").</summary>
    private static bool IsBidiControl(char c) => c is '\u061C' or '\u200E' or '\u200F' or (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069');

    /// <summary>The id with control and direction characters as \uXXXX, so the reason itself shows them.</summary>
    private static string Visible(ReadOnlySpan<char> id) =>
        string.Concat(id.ToArray().Select(c => char.IsControl(c) || IsBidiControl(c) ? $"\\u{(int)c:X4}" : c.ToString()));
}
