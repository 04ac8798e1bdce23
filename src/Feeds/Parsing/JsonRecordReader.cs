using System.Text.Json;
using RnnStream.Feeds.Records;

namespace RnnStream.Feeds.Parsing;

/// <summary>One JSON object per line: the time, the series id (unless fixed) and each feature by name.</summary>
internal sealed class JsonRecordReader(FeedSchema schema, IReadOnlyList<string> features, TimestampReader times, SeriesGate gate)
{
    public void Read(string line, long offset, ParsedRecords output, long receivedAt)
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
            if (!root.TryGetProperty(schema.TimestampColumn, out var timeElement))
            {
                output.Add(new Rejected(line, RejectReason.MissingField, $"no '{schema.TimestampColumn}'", offset));
                return;
            }
            if (!TryText(timeElement, line, offset, output, out string rawTime)) return;
            if (!times.TryRead(rawTime, out var timestamp, out string? keptTime))
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
                if (!TryText(idElement, line, offset, output, out seriesId)) return;
            }
            var values = output.BeginTick(features.Count);
            for (int f = 0; f < values.Length; f++)
            {
                if (!root.TryGetProperty(features[f], out var element))
                {
                    output.Add(new Rejected(line, RejectReason.MissingField, $"no '{features[f]}'", offset));
                    return;
                }
                if (!TryText(element, line, offset, output, out string text)) return;
                if (!FeatureValue.TryParse(text, features[f], schema.MaxAbsValue, out values[f], out var reason, out var detail))
                {
                    output.Add(new Rejected(line, reason, detail, offset));
                    return;
                }
            }
            if (gate.Admit(seriesId, timestamp, offset, times.Format!, rawTime, line, output) is { } admitted)
                output.KeepTick(admitted, timestamp, keptTime, offset, times.Format!, receivedAt);
            else output.DropTick();
        }
    }

    /// <summary>
    /// A field as text; false, with the line rejected, when it is a string whose \u escapes leave half
    /// a surrogate pair: valid JSON, but no text a series id or a value could be (or be written as).
    /// </summary>
    private static bool TryText(JsonElement element, string line, long offset, ParsedRecords output, out string text)
    {
        if (element.ValueKind != JsonValueKind.String)
        {
            text = element.GetRawText();
            return true;
        }
        try
        {
            text = element.GetString()!;
            return true;
        }
        catch (InvalidOperationException e)
        {
            output.Add(new Rejected(line, RejectReason.MalformedJson, e.Message, offset));
            text = "";
            return false;
        }
    }
}
