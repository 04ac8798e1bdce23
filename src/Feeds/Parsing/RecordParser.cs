using System.Globalization;
using System.Text.Json;
using RnnStream.Feeds.Records;

namespace RnnStream.Feeds.Parsing;

/// <summary>
/// Turns the raw lines of one feed into ticks and rejects. Stateful: it learns the column layout
/// from the header, the timestamp format from the first row, and remembers each series' last time
/// so that a tick that goes back or repeats is caught. Never throws on bad input: every line
/// becomes ticks or a <see cref="Rejected"/> with its reason.
/// </summary>
public sealed class RecordParser
{
    private readonly FeedSchema _schema;
    private readonly Dictionary<string, DateTime> _lastTimestamp = new(StringComparer.Ordinal);
    private Range[] _fields = new Range[64];
    private string[]? _header;
    private int _timestampIndex = -1;
    private int _seriesIndex = -1;
    private int[] _featureIndices = [];
    private (int Index, string Id)[] _seriesColumns = [];
    private int _rowsToSkip;
    private TimestampFormat? _format;

    public RecordParser(FeedSchema schema)
    {
        _schema = schema;
        _rowsToSkip = schema.SkipRowsAfterHeader;
        if (schema.TimestampPattern is { } pattern)
            _format = pattern.Equals("seconds", StringComparison.OrdinalIgnoreCase) ? TimestampFormat.Seconds : TimestampFormat.Pattern(pattern);
        if (schema.Format == FeedFormat.JsonLines)
        {
            if (schema.Features.Count == 0) throw new ArgumentException("a JSON-lines feed needs its feature names in the schema", nameof(schema));
            FeatureNames = schema.Features.ToArray();
            TargetIndices = schema.TargetIndicesIn(FeatureNames);
        }
    }

    /// <summary>Names of the features in each tick's values, known once the header is read (or from the schema).</summary>
    public IReadOnlyList<string> FeatureNames { get; private set; } = [];

    /// <summary>Positions in <see cref="FeatureNames"/> of the predicted features.</summary>
    public IReadOnlyList<int> TargetIndices { get; private set; } = [];

    public bool HasLayout => FeatureNames.Count > 0;

    public int SeriesCount => _lastTimestamp.Count;

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
            if (_header is not null || _schema.Format == FeedFormat.JsonLines)
                output.Add(new Rejected(line, RejectReason.EmptyLine, "empty line", offset));
            return;
        }
        if (_schema.Format == FeedFormat.JsonLines)
        {
            ParseJson(line, offset, output, receivedAt);
            return;
        }
        if (_header is null)
        {
            ReadHeader(line);
            return;
        }
        if (_rowsToSkip > 0)
        {
            _rowsToSkip--;
            return;
        }
        int count = SplitFields(line);
        if (count != _header.Length)
        {
            output.Add(new Rejected(line, count < _header.Length ? RejectReason.MissingField : RejectReason.WrongFeatureCount,
                $"{count} fields, the header has {_header.Length}", offset));
            return;
        }
        var span = line.AsSpan();
        string rawTime = CsvFields.Text(span, _fields[_timestampIndex]);
        if (!TryTimestamp(rawTime, out var timestamp))
        {
            output.Add(new Rejected(line, RejectReason.UnparseableTimestamp, $"'{rawTime}' is not a time in format {_format?.ToString() ?? "(none detected)"}", offset));
            return;
        }

        if (_schema.Format == FeedFormat.Wide)
        {
            foreach (var (index, id) in _seriesColumns)
            {
                var values = new float[1];
                if (TryValue(span[_fields[index]], id, out values[0], out var reason, out var detail))
                    Accept(new Tick(id, timestamp, rawTime, values, offset, _format!, receivedAt), line, output);
                else
                    output.Add(new Rejected($"{line} [column {id}]", reason, detail, offset));
            }
            return;
        }

        string seriesId = _seriesIndex >= 0 ? CsvFields.Text(span, _fields[_seriesIndex]) : _schema.FixedSeriesId;
        var features = new float[_featureIndices.Length];
        for (int f = 0; f < features.Length; f++)
        {
            if (!TryValue(span[_fields[_featureIndices[f]]], FeatureNames[f], out features[f], out var reason, out var detail))
            {
                output.Add(new Rejected(line, reason, detail, offset));
                return;
            }
        }
        Accept(new Tick(seriesId, timestamp, rawTime, features, offset, _format!, receivedAt), line, output);
    }

    private void ParseJson(string line, long offset, List<FeedRecord> output, long receivedAt)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line);
        }
        catch (JsonException e)
        {
            output.Add(new Rejected(line, RejectReason.MalformedJson, e.Message, offset));
            return;
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                output.Add(new Rejected(line, RejectReason.MalformedJson, "a record must be a JSON object", offset));
                return;
            }
            if (!root.TryGetProperty(_schema.TimestampColumn, out var timeElement))
            {
                output.Add(new Rejected(line, RejectReason.MissingField, $"no '{_schema.TimestampColumn}'", offset));
                return;
            }
            string rawTime = timeElement.ValueKind == JsonValueKind.String ? timeElement.GetString()! : timeElement.GetRawText();
            if (!TryTimestamp(rawTime, out var timestamp))
            {
                output.Add(new Rejected(line, RejectReason.UnparseableTimestamp, $"'{rawTime}' is not a time", offset));
                return;
            }
            string seriesId = _schema.FixedSeriesId;
            if (_schema.SeriesColumn is { } seriesKey)
            {
                if (!root.TryGetProperty(seriesKey, out var idElement))
                {
                    output.Add(new Rejected(line, RejectReason.MissingField, $"no '{seriesKey}'", offset));
                    return;
                }
                seriesId = idElement.ValueKind == JsonValueKind.String ? idElement.GetString()! : idElement.GetRawText();
            }
            var features = new float[FeatureNames.Count];
            for (int f = 0; f < features.Length; f++)
            {
                if (!root.TryGetProperty(FeatureNames[f], out var element))
                {
                    output.Add(new Rejected(line, RejectReason.MissingField, $"no '{FeatureNames[f]}'", offset));
                    return;
                }
                string text = element.ValueKind == JsonValueKind.String ? element.GetString()! : element.GetRawText();
                if (!TryValue(text, FeatureNames[f], out features[f], out var reason, out var detail))
                {
                    output.Add(new Rejected(line, reason, detail, offset));
                    return;
                }
            }
            Accept(new Tick(seriesId, timestamp, rawTime, features, offset, _format!, receivedAt), line, output);
        }
    }

    /// <summary>The checks that need the series' history: a valid id, room for a new series, time moving forward.</summary>
    private void Accept(Tick tick, string line, List<FeedRecord> output)
    {
        string id = tick.SeriesId;
        if (id.Length == 0 || id.Length > _schema.MaxSeriesIdLength || id.Any(char.IsControl) || id.Trim().Length != id.Length)
        {
            output.Add(new Rejected(line, RejectReason.MalformedSeriesId, $"series id '{id}' is empty, too long, padded or has control characters", tick.Offset));
            return;
        }
        if (_lastTimestamp.TryGetValue(id, out var last))
        {
            if (tick.Timestamp <= last)
            {
                output.Add(new Rejected(line, RejectReason.TimestampNotIncreasing,
                    $"series '{id}' is at {_format!.Format(last)}; {tick.RawTimestamp} {(tick.Timestamp == last ? "repeats it" : "goes back")}", tick.Offset));
                return;
            }
        }
        else if (_lastTimestamp.Count >= _schema.MaxSeries)
        {
            output.Add(new Rejected(line, RejectReason.TooManySeries, $"already {_schema.MaxSeries} series; '{id}' would be one more", tick.Offset));
            return;
        }
        _lastTimestamp[id] = tick.Timestamp;
        output.Add(tick);
    }

    private void ReadHeader(string line)
    {
        int count = SplitFields(line);
        var span = line.AsSpan();
        _header = new string[count];
        for (int i = 0; i < count; i++) _header[i] = CsvFields.Text(span, _fields[i]).Trim();

        _timestampIndex = IndexOf(_schema.TimestampColumn, "timestamp column");
        if (_schema.Format == FeedFormat.Wide)
        {
            _seriesColumns = Enumerable.Range(0, count).Where(i => i != _timestampIndex && _header[i].Length > 0).Select(i => (i, _header[i])).ToArray();
            FeatureNames = [_schema.Features.Count > 0 ? _schema.Features[0] : "value"];
        }
        else
        {
            _seriesIndex = _schema.SeriesColumn is { } series ? IndexOf(series, "series column") : -1;
            if (_schema.Features.Count > 0)
            {
                _featureIndices = _schema.Features.Select(f => IndexOf(f, "feature")).ToArray();
                FeatureNames = _schema.Features.ToArray();
            }
            else
            {
                _featureIndices = Enumerable.Range(0, count).Where(i => i != _timestampIndex && i != _seriesIndex).ToArray();
                FeatureNames = _featureIndices.Select(i => _header[i]).ToArray();
            }
        }
        TargetIndices = _schema.TargetIndicesIn(FeatureNames);
    }

    private int IndexOf(string column, string role)
    {
        int index = Array.FindIndex(_header!, h => h.Equals(column, StringComparison.OrdinalIgnoreCase));
        if (index < 0)
            throw new FeedSchemaException($"{role} '{column}' is not in the header ({string.Join(", ", _header!)})");
        return index;
    }

    private int SplitFields(string line)
    {
        int count = CsvFields.Split(line, _schema.Delimiter, _fields);
        if (count > _fields.Length && count <= 1 << 16)
        {
            _fields = new Range[count];
            CsvFields.Split(line, _schema.Delimiter, _fields);
        }
        return count;
    }

    private bool TryTimestamp(string raw, out DateTime timestamp)
    {
        if (_format is null)
        {
            if (!TimestampFormat.TryDetect(raw, out var detected))
            {
                timestamp = default;
                return false;
            }
            _format = detected;
        }
        return _format.TryParse(raw, out timestamp);
    }

    private bool TryValue(ReadOnlySpan<char> text, string feature, out float value, out RejectReason reason, out string detail)
    {
        text = text.Trim().Trim('"');
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double parsed))
        {
            value = 0;
            reason = RejectReason.NonNumeric;
            detail = $"{feature} = '{text.ToString()}' is not a number";
            return false;
        }
        if (!double.IsFinite(parsed))
        {
            value = 0;
            reason = RejectReason.NonFinite;
            detail = $"{feature} = {text.ToString()} is not finite";
            return false;
        }
        if (Math.Abs(parsed) > _schema.MaxAbsValue)
        {
            value = 0;
            reason = RejectReason.AbsurdMagnitude;
            detail = $"{feature} = {text.ToString()} exceeds the bound {_schema.MaxAbsValue:G}";
            return false;
        }
        value = (float)parsed;
        reason = default;
        detail = "";
        return true;
    }

    private static bool ContainsControl(string line)
    {
        foreach (char c in line)
            if (c < ' ' && c != '\t' && c != '\r') return true;
        return false;
    }
}
