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

    /// <summary>Parses one line; appends what it yields to <paramref name="output"/>.</summary>
    public void Parse(string line, long offset, List<FeedRecord> output, long receivedAt = 0)
    {
        if (line.Length > _schema.MaxLineLength)
        {
            output.Add(new Rejected(line[..Math.Min(line.Length, 256)] + "…", RejectReason.LineTooLong, $"{line.Length} characters, the limit is {_schema.MaxLineLength}", offset));
            return;
        }
        if (line.Contains('\uFFFD') || ContainsControl(line))
        {
            output.Add(new Rejected(line, RejectReason.InvalidEncoding, "invalid UTF-8 or binary bytes", offset));
            return;
        }
        if (string.IsNullOrWhiteSpace(line))
        {
            if (_json is not null || _csv!.HasHeader)
                output.Add(new Rejected(line, RejectReason.EmptyLine, "empty line", offset));
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

    private static bool ContainsControl(string line)
    {
        foreach (char c in line)
            if (c < ' ' && c != '\t' && c != '\r') return true;
        return false;
    }
}
