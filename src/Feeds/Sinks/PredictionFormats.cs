using System.Buffers;
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

    /// <summary>
    /// Rows made in a buffer kept per thread (times and numbers formatted in place) and handed to
    /// the writer whole, one call a row, so a prediction costs the output no string; the series, the
    /// times and the weights version, the same in every row of a prediction, are made once (docs/RESULTS.md).
    /// </summary>
    private static void WriteCsvRows(Prediction prediction, TextWriter writer, bool withForecaster)
    {
        RowTimes.Of(prediction, out var time, out var target);
        int longestFeature = 0;
        for (int k = 0; k < prediction.Count; k++) longestFeature = Math.Max(longestFeature, prediction.Features[k].Length);
        int most = CsvFields.MostWritten(prediction.SeriesId.Length) + CsvFields.MostWritten(time.Length) + CsvFields.MostWritten(target.Length)
                   + CsvFields.MostWritten(longestFeature) + 3 * FloatText.MaxLength + 20 + prediction.Forecaster.Length + 9;
        var row = new CsvRow(TextRoom.OfThisThread(most));
        row.Field(prediction.SeriesId);
        row.Put(',');
        row.Field(time);
        row.Put(',');
        row.Field(target);
        row.Put(',');
        int common = row.Written;
        Span<char> versionText = stackalloc char[20];
        prediction.WeightsVersion.TryFormat(versionText, out int versionLength, default, CultureInfo.InvariantCulture);
        ReadOnlySpan<char> version = versionText[..versionLength];
        for (int k = 0; k < prediction.Count; k++)
        {
            row.Written = common;
            row.Field(prediction.Features[k]);
            row.Put(',');
            row.Put(prediction.Predicted[k]);
            row.Put(',');
            row.Put(prediction.Lower[k]);
            row.Put(',');
            row.Put(prediction.Upper[k]);
            row.Put(',');
            row.Put(version);
            if (withForecaster)
            {
                row.Put(',');
                row.Put(prediction.Forecaster);
            }
            row.Put('\n');
            writer.Write(row.Text);
        }
    }

    /// <summary>The characters of a CSV row as they are put, into room sized for it beforehand.</summary>
    private ref struct CsvRow(Span<char> room)
    {
        private readonly Span<char> _room = room;

        public int Written { get; set; }

        public readonly ReadOnlySpan<char> Text => _room[..Written];

        public void Put(char character) => _room[Written++] = character;

        public void Put(scoped ReadOnlySpan<char> text)
        {
            text.CopyTo(_room[Written..]);
            Written += text.Length;
        }

        /// <summary>A text field, quoted and guarded as CSV writes it.</summary>
        public void Field(ReadOnlySpan<char> text) => Written += CsvFields.Write(text, _room[Written..]);

        public void Put(float value) => Written += FloatText.Write(value, _room[Written..]);
    }

    /// <summary>
    /// The characters a CSV row, or a JSON line decoded for a text writer, is made in before the
    /// writer takes it (it copies them), kept by each thread that writes predictions (a sink's, or a reply's).
    /// </summary>
    private static class TextRoom
    {
        [ThreadStatic] private static char[]? _ofThisThread;

        public static Span<char> OfThisThread(int length)
        {
            if (_ofThisThread is null || _ofThisThread.Length < length) _ofThisThread = new char[Math.Max(256, 2 * length)];
            return _ofThisThread;
        }
    }

    /// <summary>The last tick time and target time written, kept by each thread that writes predictions (a sink's, or a reply's).</summary>
    private sealed class RowTimes
    {
        [ThreadStatic] private static RowTimes? _ofThisThread;

        private readonly RecentTimeText _tick = new(), _target = new();

        /// <summary>The prediction's tick time and target time as text, valid until this thread writes the next prediction.</summary>
        public static void Of(Prediction prediction, out ReadOnlySpan<char> time, out ReadOnlySpan<char> target)
        {
            var times = _ofThisThread ??= new RowTimes();
            time = prediction.TimestampText(times._tick);
            target = prediction.TargetTimestampText(times._target);
        }
    }

    /// <summary>One JSON line per prediction, written from a buffer kept per thread, so a prediction costs the output no string.</summary>
    public static void WriteJson(Prediction prediction, TextWriter writer)
    {
        var utf8 = JsonScratch.OfThisThread.Write(prediction);
        var chars = TextRoom.OfThisThread(utf8.Length);
        int length = Encoding.UTF8.GetChars(utf8, chars);
        writer.Write(chars[..length]);
        writer.Write('\n');
    }

    /// <summary>One JSON line per prediction, in UTF-8 straight into <paramref name="destination"/>: for a socket, with no text in between.</summary>
    public static void WriteJsonLine(Prediction prediction, IBufferWriter<byte> destination)
    {
        destination.Write(JsonScratch.OfThisThread.Write(prediction));
        destination.Write("\n"u8);
    }

    public static string ToJson(Prediction prediction) => Encoding.UTF8.GetString(JsonScratch.OfThisThread.Write(prediction));

    /// <summary>A JSON writer and its buffer, kept by each thread that writes predictions (a sink's, or a reply's).</summary>
    private sealed class JsonScratch
    {
        [ThreadStatic] private static JsonScratch? _ofThisThread;

        private readonly ArrayBufferWriter<byte> _bytes = new(512);
        private readonly Utf8JsonWriter _json;

        private JsonScratch() => _json = new Utf8JsonWriter(_bytes);

        public static JsonScratch OfThisThread => _ofThisThread ??= new JsonScratch();

        /// <summary>The prediction as one JSON object, in UTF-8: times, weights version, forecaster, anomaly, then each feature's predicted value and interval.</summary>
        public ReadOnlySpan<byte> Write(Prediction prediction)
        {
            _bytes.ResetWrittenCount();
            RowTimes.Of(prediction, out var time, out var target);
            if (PlainJsonLine.TryWrite(prediction, time, target, _bytes)) return _bytes.WrittenSpan;
            _json.Reset(_bytes);
            _json.WriteStartObject();
            _json.WriteString(Series, prediction.SeriesId);
            _json.WriteString(Timestamp, time);
            _json.WriteString(TargetTimestamp, target);
            _json.WriteNumber(WeightsVersion, prediction.WeightsVersion);
            _json.WriteString(Forecaster, prediction.Forecaster);
            _json.WriteBoolean(Anomaly, prediction.Anomaly);
            _json.WriteStartObject(Predictions);
            for (int k = 0; k < prediction.Predicted.Length; k++)
            {
                _json.WriteStartObject(prediction.Features[k]);
                WriteNumber(Predicted, prediction.Predicted[k]);
                WriteNumber(Lower, prediction.Lower[k]);
                WriteNumber(Upper, prediction.Upper[k]);
                _json.WriteEndObject();
            }
            _json.WriteEndObject();
            _json.WriteEndObject();
            _json.Flush();
            return _bytes.WrittenSpan;
        }

        /// <summary>
        /// A number as the writer itself would write it (the same shortest text), from <see cref="FloatText"/>,
        /// which is faster; a value that is no JSON number goes to the writer, which refuses it as before.
        /// </summary>
        private void WriteNumber(JsonEncodedText name, float value)
        {
            if (!float.IsFinite(value))
            {
                _json.WriteNumber(name, value);
                return;
            }
            Span<byte> text = stackalloc byte[FloatText.MaxLength];
            _json.WritePropertyName(name);
            _json.WriteRawValue(text[..FloatText.WriteUtf8(value, text)], skipInputValidation: true);
        }
    }

    // The names of a JSON line's properties, escaped once, not for every prediction.
    private static readonly JsonEncodedText Series = JsonEncodedText.Encode("series"), Timestamp = JsonEncodedText.Encode("timestamp"),
        TargetTimestamp = JsonEncodedText.Encode("target_timestamp"), WeightsVersion = JsonEncodedText.Encode("weights_version"),
        Forecaster = JsonEncodedText.Encode("forecaster"), Anomaly = JsonEncodedText.Encode("anomaly"), Predictions = JsonEncodedText.Encode("predictions"),
        Predicted = JsonEncodedText.Encode("predicted"), Lower = JsonEncodedText.Encode("lower"), Upper = JsonEncodedText.Encode("upper");

    /// <summary>One quarantine line: the reason, the detail and the raw record, as JSON so any raw text survives.</summary>
    public static void WriteRejected(Rejected rejected, TextWriter writer)
    {
        writer.Write(JsonSerializer.Serialize(new { offset = rejected.Offset, reason = rejected.Reason.ToString(), detail = rejected.Detail, raw = rejected.Raw }));
        writer.Write('\n');
    }
}
