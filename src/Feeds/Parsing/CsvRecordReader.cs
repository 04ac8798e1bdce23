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

    /// <summary>A header line, or a row (skipped while the schema's type rows last).</summary>
    public void Read(string line, long offset, List<FeedRecord> output, long receivedAt)
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

    private void ReadRow(string line, long offset, List<FeedRecord> output, long receivedAt)
    {
        int count = SplitFields(line);
        if (count != _header!.Length)
        {
            output.Add(new Rejected(line, count < _header.Length ? RejectReason.MissingField : RejectReason.WrongFeatureCount,
                $"{count} fields, the header has {_header.Length}", offset));
            return;
        }
        var span = line.AsSpan();
        string rawTime = CsvFields.Text(span, _fields[_timestampIndex]);
        if (!times.TryRead(rawTime, out var timestamp))
        {
            output.Add(new Rejected(line, RejectReason.UnparseableTimestamp, $"'{rawTime}' is not a time in format {times.Format?.ToString() ?? "(none detected)"}", offset));
            return;
        }

        if (schema.Format == FeedFormat.Wide)
        {
            foreach (var (index, id) in _seriesColumns)
            {
                var values = new float[1];
                if (FeatureValue.TryParse(span[_fields[index]], id, schema.MaxAbsValue, out values[0], out var reason, out var detail))
                    gate.Admit(new Tick(id, timestamp, rawTime, values, offset, times.Format!, receivedAt), line, output);
                else
                    output.Add(new Rejected($"{line} [column {id}]", reason, detail, offset));
            }
            return;
        }

        string seriesId = _seriesIndex >= 0 ? CsvFields.Text(span, _fields[_seriesIndex]) : schema.FixedSeriesId;
        var features = new float[_featureIndices.Length];
        for (int f = 0; f < features.Length; f++)
        {
            if (!FeatureValue.TryParse(span[_fields[_featureIndices[f]]], FeatureNames[f], schema.MaxAbsValue, out features[f], out var reason, out var detail))
            {
                output.Add(new Rejected(line, reason, detail, offset));
                return;
            }
        }
        gate.Admit(new Tick(seriesId, timestamp, rawTime, features, offset, times.Format!, receivedAt), line, output);
    }

    private void ReadHeader(string line)
    {
        int count = SplitFields(line);
        var span = line.AsSpan();
        _header = new string[count];
        for (int i = 0; i < count; i++) _header[i] = CsvFields.Text(span, _fields[i]).Trim();

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

    private int SplitFields(string line)
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
