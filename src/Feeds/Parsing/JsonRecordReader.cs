using System.Text.Json;
using RnnStream.Feeds.Records;

namespace RnnStream.Feeds.Parsing;

/// <summary>One JSON object per line: the time, the series id (unless fixed) and each feature by name.</summary>
internal sealed class JsonRecordReader(FeedSchema schema, IReadOnlyList<string> features, TimestampReader times, SeriesGate gate)
{
    public void Read(string line, long offset, List<FeedRecord> output, long receivedAt)
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
            try
            {
                Read(document.RootElement, line, offset, output, receivedAt);
            }
            catch (InvalidOperationException e)
            {
                // A \u escape of half a surrogate pair is valid JSON but no text: it cannot become a series id or a value.
                output.Add(new Rejected(line, RejectReason.MalformedJson, e.Message, offset));
            }
        }
    }

    private void Read(JsonElement root, string line, long offset, List<FeedRecord> output, long receivedAt)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            output.Add(new Rejected(line, RejectReason.MalformedJson, "a record must be a JSON object", offset));
            return;
        }
        if (!root.TryGetProperty(schema.TimestampColumn, out var timeElement))
        {
            output.Add(new Rejected(line, RejectReason.MissingField, $"no '{schema.TimestampColumn}'", offset));
            return;
        }
        string rawTime = Text(timeElement);
        if (!times.TryRead(rawTime, out var timestamp))
        {
            output.Add(new Rejected(line, RejectReason.UnparseableTimestamp, $"'{rawTime}' is not a time", offset));
            return;
        }
        string seriesId = schema.FixedSeriesId;
        if (schema.SeriesColumn is { } seriesKey)
        {
            if (!root.TryGetProperty(seriesKey, out var idElement))
            {
                output.Add(new Rejected(line, RejectReason.MissingField, $"no '{seriesKey}'", offset));
                return;
            }
            seriesId = Text(idElement);
        }
        var values = new float[features.Count];
        for (int f = 0; f < values.Length; f++)
        {
            if (!root.TryGetProperty(features[f], out var element))
            {
                output.Add(new Rejected(line, RejectReason.MissingField, $"no '{features[f]}'", offset));
                return;
            }
            if (!FeatureValue.TryParse(Text(element), features[f], schema.MaxAbsValue, out values[f], out var reason, out var detail))
            {
                output.Add(new Rejected(line, reason, detail, offset));
                return;
            }
        }
        gate.Admit(new Tick(seriesId, timestamp, rawTime, values, offset, times.Format!, receivedAt), line, output);
    }

    private static string Text(JsonElement element) => element.ValueKind == JsonValueKind.String ? element.GetString()! : element.GetRawText();
}
