using System.Buffers;
using RnnStream.Feeds.Records;

namespace RnnStream.Feeds.Parsing;

/// <summary>
/// Turns the raw lines of one feed into ticks and rejects. Stateful: it learns the column layout
/// from the header (<see cref="CsvRecordReader"/>) or takes it from the schema (JSON lines,
/// <see cref="JsonRecordReader"/>), the timestamp format from the first row, and remembers each
/// series' last time (<see cref="SeriesGate"/>), so a tick that goes back or repeats is caught.
/// Never throws on bad input: every line becomes ticks or a <see cref="Rejected"/> with its reason.
/// </summary>
public sealed class RecordParser : ISeriesClock
{
    private readonly FeedSchema _schema;
    private readonly SeriesGate _gate;
    private readonly CsvRecordReader? _csv;
    private readonly JsonRecordReader? _json;
    private readonly ParsedRecords _records = new();

    public RecordParser(FeedSchema schema)
    {
        _schema = schema;
        _gate = new SeriesGate(schema);
        var times = new TimestampReader(schema.TimestampPattern);
        if (schema.Format == FeedFormat.JsonLines)
        {
            if (schema.Features.Count == 0) throw new ArgumentException("a JSON-lines feed needs its feature names in the schema", nameof(schema));
            FeatureNames = schema.Features.ToArray();
            TargetIndices = schema.TargetIndicesIn(FeatureNames);
            _json = new JsonRecordReader(schema, FeatureNames, times, _gate);
        }
        else _csv = new CsvRecordReader(schema, times, _gate);
    }

    /// <summary>Names of the features in each tick's values, known once the header is read (or from the schema).</summary>
    public IReadOnlyList<string> FeatureNames { get; private set; } = [];

    /// <summary>Positions in <see cref="FeatureNames"/> of the predicted features.</summary>
    public IReadOnlyList<int> TargetIndices { get; private set; } = [];

    public bool HasLayout => FeatureNames.Count > 0;

    public int SeriesCount => _gate.SeriesCount;

    public void Restore(IEnumerable<KeyValuePair<string, DateTime>> lastTimes, long? resumeOffset) => _gate.Restore(lastTimes, resumeOffset);

    /// <summary>Records one line can yield at most, as far as the layout is known: a wide row's series columns, else one.</summary>
    public int MostRecordsPerLine => _csv?.MostRecordsPerLine ?? 1;

    /// <summary>Parses one line; appends what it yields to <paramref name="output"/>.</summary>
    public void Parse(string line, long offset, List<FeedRecord> output, long receivedAt = 0)
    {
        _records.Into(output);
        Parse(line.AsSpan(), offset, _records, receivedAt);
    }

    /// <summary>
    /// Parses one line into <paramref name="batch"/>, a pooled one with room for
    /// <see cref="MostRecordsPerLine"/>: its ticks are written in place, so an accepted line of a
    /// known series, whose time its format writes back unchanged, allocates nothing (CSV or JSON).
    /// </summary>
    public void Parse(ReadOnlySpan<char> line, long offset, RecordBatch batch, long receivedAt)
    {
        if (batch.Room < MostRecordsPerLine) throw new ArgumentException($"the batch has room for {batch.Room} records, a line may yield {MostRecordsPerLine}", nameof(batch));
        _records.Into(batch);
        Parse(line, offset, _records, receivedAt);
    }

    private void Parse(ReadOnlySpan<char> line, long offset, ParsedRecords output, long receivedAt)
    {
        if (line.Length > _schema.MaxLineLength)
        {
            output.Add(new Rejected(line[..Math.Min(line.Length, 256)].ToString() + "…", RejectReason.LineTooLong, $"{line.Length} characters, the limit is {_schema.MaxLineLength}", offset));
            return;
        }
        if (line.Contains('\uFFFD') || ContainsControl(line))
        {
            output.Add(new Rejected(line.ToString(), RejectReason.InvalidEncoding, "invalid UTF-8 or binary bytes", offset));
            return;
        }
        if (HalfSurrogatePairAt(line) is { } at)
        {
            // Only text handed over as a string can hold one (a stream's decoder makes it U+FFFD); no output could write it.
            output.Add(new Rejected(WholePairsOnly(line), RejectReason.InvalidEncoding, $"half a UTF-16 surrogate pair at character {at + 1}", offset));
            return;
        }
        if (line.IsWhiteSpace())
        {
            if (_json is not null || _csv!.HasHeader)
                output.Add(new Rejected(line.ToString(), RejectReason.EmptyLine, "empty line", offset));
            return;
        }
        if (_json is not null)
        {
            _json.Read(line, offset, output, receivedAt);
            return;
        }
        bool header = !_csv!.HasHeader;
        _csv.Read(line, offset, output, receivedAt);
        if (header)
        {
            FeatureNames = _csv.FeatureNames;
            TargetIndices = _schema.TargetIndicesIn(FeatureNames);
        }
    }

    /// <summary>U+D800 to U+DFFF. A search for them, made once: IndexOfAnyInRange allocated on every call (96 bytes a line, measured).</summary>
    private static readonly SearchValues<char> Surrogates = SearchValues.Create(Enumerable.Range(0xD800, 0x800).Select(c => (char)c).ToArray());

    /// <summary>Where a high surrogate lacks its low one, or a low one its high one; null when every pair is whole.</summary>
    private static int? HalfSurrogatePairAt(ReadOnlySpan<char> line)
    {
        // Most lines hold no surrogate at all: a vectorized search finds that, and only a line with one is walked.
        int first = line.IndexOfAny(Surrogates);
        if (first < 0) return null;
        for (int i = first; i < line.Length; i++)
        {
            if (!char.IsSurrogate(line[i])) continue;
            if (char.IsHighSurrogate(line[i]) && i + 1 < line.Length && char.IsLowSurrogate(line[i + 1])) i++;
            else return i;
        }
        return null;
    }

    /// <summary>The line with each half pair made U+FFFD (UTF-8's own replacement), so the quarantine, which writes UTF-8, can keep it.</summary>
    private static string WholePairsOnly(ReadOnlySpan<char> line) => System.Text.Encoding.UTF8.GetString(System.Text.Encoding.UTF8.GetBytes(line.ToString()));

    private static bool ContainsControl(ReadOnlySpan<char> line)
    {
        foreach (char c in line)
            if (c < ' ' && c != '\t' && c != '\r') return true;
        return false;
    }
}
