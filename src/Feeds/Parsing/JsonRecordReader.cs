using System.Text;
using System.Text.Json;
using RnnStream.Feeds.Records;

namespace RnnStream.Feeds.Parsing;

/// <summary>
/// One JSON object per line: the time, the series id (unless fixed) and each feature by name. Read
/// in one pass with <see cref="Utf8JsonReader"/> into buffers the reader keeps, so an accepted line
/// of a known series allocates nothing (a document and a string per field did). As a document
/// would: the whole line must be one valid JSON value, a key given twice counts by its last value,
/// a field that is no string counts by its raw JSON text, and a string whose \u escapes leave half
/// a surrogate pair is malformed.
/// </summary>
internal sealed class JsonRecordReader
{
    private const int TimeSlot = 0, SeriesSlot = 1, FirstFeatureSlot = 2;

    private readonly FeedSchema _schema;
    private readonly IReadOnlyList<string> _features;
    private readonly TimestampReader _times;
    private readonly SeriesGate _gate;
    /// <summary>The keys looked for, as UTF-8, by slot: the time, the series id (null when fixed), then each feature.</summary>
    private readonly byte[]?[] _keys;
    private readonly Field[] _fields;
    private byte[] _utf8 = new byte[1024];
    private char[] _text = new char[1024];
    private int _textLength;

    public JsonRecordReader(FeedSchema schema, IReadOnlyList<string> features, TimestampReader times, SeriesGate gate)
    {
        _schema = schema;
        _features = features;
        _times = times;
        _gate = gate;
        _keys = new byte[]?[FirstFeatureSlot + features.Count];
        _keys[TimeSlot] = Encoding.UTF8.GetBytes(schema.TimestampColumn);
        _keys[SeriesSlot] = schema.SeriesColumn is { } series ? Encoding.UTF8.GetBytes(series) : null;
        for (int f = 0; f < features.Count; f++) _keys[FirstFeatureSlot + f] = Encoding.UTF8.GetBytes(features[f]);
        _fields = new Field[_keys.Length];
    }

    public void Read(ReadOnlySpan<char> line, long offset, ParsedRecords output, long receivedAt)
    {
        // The parser has rejected half surrogate pairs already, so the line has an exact UTF-8 form.
        if (_utf8.Length < Encoding.UTF8.GetMaxByteCount(line.Length)) _utf8 = new byte[Encoding.UTF8.GetMaxByteCount(line.Length)];
        int length = Encoding.UTF8.GetBytes(line, _utf8);
        string? malformed;
        try
        {
            malformed = Walk(_utf8.AsSpan(0, length));
        }
        catch (JsonException e)
        {
            malformed = e.Message;
        }
        if (malformed is not null)
        {
            output.Add(new Rejected(line.ToString(), RejectReason.MalformedJson, malformed, offset));
            return;
        }

        if (!TryText(TimeSlot, line, offset, output, out var rawTime)) return;
        if (!_times.TryRead(rawTime, out var timestamp, out string? keptTime))
        {
            output.Add(new Rejected(line.ToString(), RejectReason.UnparseableTimestamp, $"'{rawTime}' is not a time", offset));
            return;
        }
        var seriesId = _schema.FixedSeriesId.AsSpan();
        if (_keys[SeriesSlot] is not null && !TryText(SeriesSlot, line, offset, output, out seriesId)) return;
        var values = output.BeginTick(_features.Count);
        for (int f = 0; f < values.Length; f++)
        {
            if (!TryText(FirstFeatureSlot + f, line, offset, output, out var text)) return;
            if (!FeatureValue.TryParse(text, _features[f], _schema.MaxAbsValue, out values[f], out var reason, out var detail))
            {
                output.Add(new Rejected(line.ToString(), reason, detail, offset));
                return;
            }
        }
        if (_gate.Admit(seriesId, timestamp, offset, _times.Format!, rawTime, line, output) is { } admitted)
            output.KeepTick(admitted, timestamp, keptTime, offset, _times.Format!, receivedAt);
        else output.DropTick();
    }

    /// <summary>
    /// Reads the whole line, keeping the text of each field looked for; the reason it is no record
    /// when it is valid JSON but no object, else null. Malformed JSON throws, as a document would.
    /// </summary>
    private string? Walk(ReadOnlySpan<byte> utf8)
    {
        Array.Clear(_fields);
        _textLength = 0;
        var reader = new Utf8JsonReader(utf8);
        if (!reader.Read()) return "no JSON value";
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return EndOfLine(ref reader) ?? "a record must be a JSON object";
        }
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            int slot = SlotOf(ref reader);
            reader.Read();
            if (slot < 0) reader.Skip();
            else Keep(slot, ref reader, utf8);
        }
        return EndOfLine(ref reader);
    }

    /// <summary>Nothing may follow the value but white space: the reader throws if anything does, and null says it did not.</summary>
    private static string? EndOfLine(ref Utf8JsonReader reader) => reader.Read() ? "more than one JSON value" : null;

    private int SlotOf(ref Utf8JsonReader reader)
    {
        try
        {
            for (int slot = 0; slot < _keys.Length; slot++)
                if (_keys[slot] is { } key && reader.ValueTextEquals(key)) return slot;
        }
        catch (InvalidOperationException)
        {
            // A key whose \u escapes leave half a surrogate pair: no key looked for, and the rest of the line is still checked, as a document would.
        }
        return -1;
    }

    /// <summary>A field's text, by its last value: a string unescaped, anything else as its raw JSON.</summary>
    private void Keep(int slot, ref Utf8JsonReader reader, ReadOnlySpan<byte> utf8)
    {
        int start = _textLength;
        if (reader.TokenType == JsonTokenType.String)
        {
            Room(reader.ValueSpan.Length);
            try
            {
                _textLength += reader.CopyString(_text.AsSpan(start));
                _fields[slot] = new Field(true, start, _textLength - start, null);
            }
            catch (InvalidOperationException e)
            {
                _fields[slot] = new Field(true, 0, 0, e.Message);
            }
            return;
        }
        long first = reader.TokenStartIndex;
        reader.Skip();
        var raw = utf8[(int)first..(int)reader.BytesConsumed];
        Room(raw.Length);
        _textLength += Encoding.UTF8.GetChars(raw, _text.AsSpan(start));
        _fields[slot] = new Field(true, start, _textLength - start, null);
    }

    /// <summary>Room for <paramref name="chars"/> more characters (a UTF-8 text never decodes to more characters than it has bytes).</summary>
    private void Room(int chars)
    {
        if (_text.Length - _textLength < chars) Array.Resize(ref _text, Math.Max(_textLength + chars, 2 * _text.Length));
    }

    /// <summary>The field in <paramref name="slot"/> as text; false, with the line rejected, when it is missing or no text a value could be.</summary>
    private bool TryText(int slot, ReadOnlySpan<char> line, long offset, ParsedRecords output, out ReadOnlySpan<char> text)
    {
        var field = _fields[slot];
        text = default;
        if (!field.Found)
        {
            output.Add(new Rejected(line.ToString(), RejectReason.MissingField, $"no '{NameOf(slot)}'", offset));
            return false;
        }
        if (field.Malformed is { } why)
        {
            output.Add(new Rejected(line.ToString(), RejectReason.MalformedJson, why, offset));
            return false;
        }
        text = _text.AsSpan(field.Start, field.Length);
        return true;
    }

    private string NameOf(int slot) => slot switch
    {
        TimeSlot => _schema.TimestampColumn,
        SeriesSlot => _schema.SeriesColumn!,
        _ => _features[slot - FirstFeatureSlot],
    };

    /// <summary>Where a field's text is in the buffer, or why it has none (half a surrogate pair escaped); default: not in the line.</summary>
    private readonly record struct Field(bool Found, int Start, int Length, string? Malformed);
}
