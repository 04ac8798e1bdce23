using RnnStream.Feeds.Parsing;
using System.Globalization;
using System.Text;
using System.Text.Json;
using RnnStream.Feeds.Records;

namespace RnnStream.Feeds.Sinks;

/// <summary>How predictions are written: the scoring-friendly CSV (one row per series, time and feature) and JSON lines.</summary>
public static class PredictionFormats
{
    public const string CsvHeader = "series,timestamp,target_timestamp,feature,predicted,lower,upper,weights_version,forecaster";

    /// <summary>The header of files written before the forecaster had a column; a resumed file of that kind goes on without it.</summary>
    public const string CsvHeaderWithoutForecaster = "series,timestamp,target_timestamp,feature,predicted,lower,upper,weights_version";

    /// <summary>The writer whose rows match a continued file's <paramref name="header"/> (null: a new file).</summary>
    public static Action<Prediction, TextWriter> CsvWriterFor(string? header) =>
        header == CsvHeaderWithoutForecaster ? WriteCsvWithoutForecaster : WriteCsv;

    public static void WriteCsv(Prediction prediction, TextWriter writer) => WriteCsvRows(prediction, writer, withForecaster: true);

    /// <summary>A writer of single predictions made a writer of the stream's batches: each prediction in turn, in the batch's order.</summary>
    public static Action<PredictionBatch, TextWriter> Each(Action<Prediction, TextWriter> write) => (batch, writer) =>
    {
        foreach (var prediction in batch) write(prediction, writer);
    };

    public static void WriteCsvWithoutForecaster(Prediction prediction, TextWriter writer) => WriteCsvRows(prediction, writer, withForecaster: false);

    private static void WriteCsvRows(Prediction prediction, TextWriter writer, bool withForecaster)
    {
        for (int k = 0; k < prediction.Predicted.Length; k++)
        {
            writer.Write(CsvFields.Quote(prediction.SeriesId));
            writer.Write(',');
            writer.Write(CsvFields.Quote(prediction.Timestamp));
            writer.Write(',');
            writer.Write(CsvFields.Quote(prediction.TargetTimestamp));
            writer.Write(',');
            writer.Write(CsvFields.Quote(prediction.Features[k]));
            writer.Write(',');
            writer.Write(Number(prediction.Predicted[k]));
            writer.Write(',');
            writer.Write(Number(prediction.Lower[k]));
            writer.Write(',');
            writer.Write(Number(prediction.Upper[k]));
            writer.Write(',');
            writer.Write(prediction.WeightsVersion.ToString(CultureInfo.InvariantCulture));
            if (withForecaster)
            {
                writer.Write(',');
                writer.Write(prediction.Forecaster);
            }
            writer.Write('\n');
        }
    }

    public static void WriteJson(Prediction prediction, TextWriter writer) => writer.Write(ToJson(prediction) + "\n");

    public static string ToJson(Prediction prediction)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("series", prediction.SeriesId);
            json.WriteString("timestamp", prediction.Timestamp);
            json.WriteString("target_timestamp", prediction.TargetTimestamp);
            json.WriteNumber("weights_version", prediction.WeightsVersion);
            json.WriteString("forecaster", prediction.Forecaster);
            json.WriteBoolean("anomaly", prediction.Anomaly);
            json.WriteStartObject("predictions");
            for (int k = 0; k < prediction.Predicted.Length; k++)
            {
                json.WriteStartObject(prediction.Features[k]);
                json.WriteNumber("predicted", prediction.Predicted[k]);
                json.WriteNumber("lower", prediction.Lower[k]);
                json.WriteNumber("upper", prediction.Upper[k]);
                json.WriteEndObject();
            }
            json.WriteEndObject();
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>One quarantine line: the reason, the detail and the raw record, as JSON so any raw text survives.</summary>
    public static void WriteRejected(Rejected rejected, TextWriter writer)
    {
        writer.Write(JsonSerializer.Serialize(new { offset = rejected.Offset, reason = rejected.Reason.ToString(), detail = rejected.Detail, raw = rejected.Raw }));
        writer.Write('\n');
    }

    public static string Number(float value) => value.ToString("R", CultureInfo.InvariantCulture);
}
