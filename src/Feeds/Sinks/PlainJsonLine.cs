using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using RnnStream.Feeds.Records;

namespace RnnStream.Feeds.Sinks;

/// <summary>
/// A prediction's JSON line written straight as bytes, for the common prediction whose text the
/// JSON writer would copy unchanged: ASCII with no quote, backslash, control character or
/// character its default encoder escapes ('+', '&lt;', '&amp;' and the like), and finite numbers.
/// The bytes are those <see cref="System.Text.Json.Utf8JsonWriter"/> writes for the same prediction
/// (tested character by character); any other prediction is left to that writer, which escapes or
/// refuses as before. The writer's checks and state per property were half the cost of a line
/// (docs/RESULTS.md).
/// </summary>
internal static class PlainJsonLine
{
    /// <summary>Room for the fixed text of a line and for the text of one feature beside its name.</summary>
    private const int FixedLength = 160, FeatureLength = 48 + 3 * FloatText.MaxLength;

    /// <summary>The characters the writer copies as they are, asked of its own encoder once.</summary>
    private static readonly SearchValues<char> Copied = SearchValues.Create(
        Enumerable.Range(0x20, 0x7F - 0x20).Select(c => (char)c).Where(c => c is not ('"' or '\\') && !JavaScriptEncoder.Default.WillEncode(c)).ToArray());

    /// <summary>Writes the line (without its line break) and returns true; false, with nothing written, when the writer has to make it.</summary>
    public static bool TryWrite(Prediction prediction, ReadOnlySpan<char> time, ReadOnlySpan<char> target, IBufferWriter<byte> destination)
    {
        if (!IsCopied(prediction.SeriesId) || !IsCopied(time) || !IsCopied(target) || !IsCopied(prediction.Forecaster)) return false;
        var features = prediction.Features;
        int length = FixedLength + prediction.SeriesId.Length + time.Length + target.Length + prediction.Forecaster.Length;
        for (int k = 0; k < features.Count; k++)
        {
            if (!IsCopied(features[k]) || !float.IsFinite(prediction.Predicted[k]) || !float.IsFinite(prediction.Lower[k]) || !float.IsFinite(prediction.Upper[k])) return false;
            length += features[k].Length + FeatureLength;
        }

        var line = new Line(destination.GetSpan(length));
        line.Put("{\"series\":\""u8);
        line.Put(prediction.SeriesId);
        line.Put("\",\"timestamp\":\""u8);
        line.Put(time);
        line.Put("\",\"target_timestamp\":\""u8);
        line.Put(target);
        line.Put("\",\"weights_version\":"u8);
        line.Put(prediction.WeightsVersion);
        line.Put(",\"forecaster\":\""u8);
        line.Put(prediction.Forecaster);
        line.Put(prediction.Anomaly ? "\",\"anomaly\":true,\"predictions\":{"u8 : "\",\"anomaly\":false,\"predictions\":{"u8);
        for (int k = 0; k < features.Count; k++)
        {
            line.Put(k == 0 ? "\""u8 : ",\""u8);
            line.Put(features[k]);
            line.Put("\":{\"predicted\":"u8);
            line.Put(prediction.Predicted[k]);
            line.Put(",\"lower\":"u8);
            line.Put(prediction.Lower[k]);
            line.Put(",\"upper\":"u8);
            line.Put(prediction.Upper[k]);
            line.Put("}"u8);
        }
        line.Put("}}"u8);
        destination.Advance(line.Written);
        return true;
    }

    private static bool IsCopied(ReadOnlySpan<char> text) => !text.ContainsAnyExcept(Copied);

    /// <summary>The bytes of a line as they are put, into room sized for it beforehand.</summary>
    private ref struct Line(Span<byte> room)
    {
        private readonly Span<byte> _room = room;

        public int Written { get; private set; }

        public void Put(ReadOnlySpan<byte> text)
        {
            text.CopyTo(_room[Written..]);
            Written += text.Length;
        }

        /// <summary>Text already known to be plain ASCII.</summary>
        public void Put(ReadOnlySpan<char> text)
        {
            Ascii.FromUtf16(text, _room[Written..], out int written);
            Written += written;
        }

        public void Put(long value)
        {
            value.TryFormat(_room[Written..], out int written, default, CultureInfo.InvariantCulture);
            Written += written;
        }

        /// <summary>A finite number, in the writer's shortest round-trip text.</summary>
        public void Put(float value) => Written += FloatText.WriteUtf8(value, _room[Written..]);
    }
}
