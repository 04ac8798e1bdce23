using RnnStream.Feeds.Records;

namespace RnnStream.Feeds.Parsing;

/// <summary>
/// Delimited lines: the header names the columns (the time, the series id or, in the wide format,
/// one series per column, and the features), the type rows after it are skipped, and every row
/// gives its ticks or a reject.
/// </summary>
internal sealed class CsvRecordReader(FeedSchema schema, TimestampReader times, SeriesGate gate)
{
    private Range[] _fields = new Range[64];
    private string[]? _header;
    private int _timestampIndex = -1;
    private int _seriesIndex = -1;
    private int[] _featureIndices = [];
    private (int Index, string Id)[] _seriesColumns = [];
    private int _rowsToSkip = schema.SkipRowsAfterHeader;

    public bool HasHeader => _header is not null;

    /// <summary>Names of the features in each tick's values, known once the header is read.</summary>
    public IReadOnlyList<string> FeatureNames { get; private set; } = [];

    /// <summary>Records a row can yield: a tick per series column of a wide row, else one (a tick or a reject).</summary>
    public int MostRecordsPerLine => Math.Max(1, _seriesColumns.Length);

    /// <summary>A header line, or a row (skipped while the schema's type rows last).</summary>
    public void Read(ReadOnlySpan<char> line, long offset, ParsedRecords output, long receivedAt)
    {
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
        ReadRow(line, offset, output, receivedAt);
    }

    private void ReadRow(ReadOnlySpan<char> line, long offset, ParsedRecords output, long receivedAt)
    {
        int count = SplitFields(line);
        if (count != _header!.Length)
        {
            output.Add(new Rejected(line.ToString(), count < _header.Length ? RejectReason.MissingField : RejectReason.WrongFeatureCount,
                $"{count} fields, the header has {_header.Length}", offset));
            return;
        }
        var rawTime = CsvFields.Field(line, _fields[_timestampIndex]);
        if (!times.TryRead(rawTime, out var timestamp, out string? keptTime))
        {
            output.Add(new Rejected(line.ToString(), RejectReason.UnparseableTimestamp, $"'{rawTime}' is not a time in format {times.Format?.ToString() ?? "(none detected)"}", offset));
            return;
        }

        if (schema.Format == FeedFormat.Wide)
        {
            foreach (var (index, id) in _seriesColumns)
            {
                var values = output.BeginTick(1);
                if (!FeatureValue.TryParse(line[_fields[index]], id, schema.MaxAbsValue, out values[0], out var reason, out var detail))
                    output.Add(new Rejected($"{line} [column {id}]", reason, detail, offset));
                else if (gate.Admit(id, timestamp, offset, times.Format!, rawTime, line, output) is { } admitted)
                    output.KeepTick(admitted, timestamp, keptTime, offset, times.Format!, receivedAt);
                else output.DropTick();
            }
            return;
        }

        var seriesId = _seriesIndex >= 0 ? CsvFields.Field(line, _fields[_seriesIndex]) : schema.FixedSeriesId;
        var features = output.BeginTick(_featureIndices.Length);
        for (int f = 0; f < features.Length; f++)
        {
            if (!FeatureValue.TryParse(line[_fields[_featureIndices[f]]], FeatureNames[f], schema.MaxAbsValue, out features[f], out var reason, out var detail))
            {
                output.Add(new Rejected(line.ToString(), reason, detail, offset));
                return;
            }
        }
        if (gate.Admit(seriesId, timestamp, offset, times.Format!, rawTime, line, output) is { } series)
            output.KeepTick(series, timestamp, keptTime, offset, times.Format!, receivedAt);
        else output.DropTick();
    }

    private void ReadHeader(ReadOnlySpan<char> line)
    {
        int count = SplitFields(line);
        _header = new string[count];
        for (int i = 0; i < count; i++) _header[i] = CsvFields.Text(line, _fields[i]).Trim();

        _timestampIndex = IndexOf(schema.TimestampColumn, "timestamp column");
        if (schema.Format == FeedFormat.Wide)
        {
            _seriesColumns = Enumerable.Range(0, count).Where(i => i != _timestampIndex && _header[i].Length > 0).Select(i => (i, _header[i])).ToArray();
            FeatureNames = [schema.Features.Count > 0 ? schema.Features[0] : "value"];
            return;
        }
        _seriesIndex = schema.SeriesColumn is { } series ? IndexOf(series, "series column") : -1;
        if (schema.Features.Count > 0)
        {
            _featureIndices = schema.Features.Select(f => IndexOf(f, "feature")).ToArray();
            FeatureNames = schema.Features.ToArray();
        }
        else
        {
            _featureIndices = Enumerable.Range(0, count).Where(i => i != _timestampIndex && i != _seriesIndex).ToArray();
            FeatureNames = _featureIndices.Select(i => _header[i]).ToArray();
        }
    }

    private int IndexOf(string column, string role)
    {
        int index = Array.FindIndex(_header!, h => h.Equals(column, StringComparison.OrdinalIgnoreCase));
        if (index < 0)
            throw new FeedSchemaException($"{role} '{column}' is not in the header ({string.Join(", ", _header!)})");
        return index;
    }

    private int SplitFields(ReadOnlySpan<char> line)
    {
        int count = CsvFields.Split(line, schema.Delimiter, _fields);
        if (count > _fields.Length && count <= 1 << 16)
        {
            _fields = new Range[count];
            CsvFields.Split(line, schema.Delimiter, _fields);
        }
        return count;
    }
}
