using System.Buffers;
using System.Text;
using System.Text.Json;
using RnnStream.Feeds.Records;
using RnnStream.Feeds.Sinks;
using Xunit;

namespace RnnStream.Feeds.Tests.Sinks;

/// <summary>
/// JSON lines written straight as bytes against the JSON writer they replace: the same bytes for
/// every ASCII character and more in every text field, for random numbers and shapes, and the
/// straight path taken exactly where the writer would copy the text unchanged.
/// </summary>
public sealed class PlainJsonLineTests
{
    private static readonly TimestampFormat Format = TimestampFormat.Pattern("yyyy-MM-dd HH:mm");

    [Fact]
    public void Every_character_in_every_text_field_gives_the_json_writers_bytes_and_only_copied_ones_take_the_straight_path()
    {
        var characters = Enumerable.Range(0, 128).Select(c => ((char)c).ToString()).Concat(["é", "€", "\u2028", "😀"]);
        int straight = 0;
        foreach (var character in characters)
        {
            foreach (var prediction in new[]
                     {
                         Make($"s{character}1", $"2024-01-01 10:00{character}", ["close"], "rnn", [1.5f, 1f, 2f]),
                         Make("s1", "2024-01-01 10:00", [$"f{character}", "open"], "rnn", [1.5f, -0.25f, 1f, -1f, 2f, 0.5f]),
                         Make("s1", "2024-01-01 10:00", ["close"], $"rnn{character}", [3e-7f, 2.5e9f, float.MaxValue]),
                     })
            {
                Assert.Equal(WriterJson(prediction), PredictionFormats.ToJson(prediction));
                bool copied = character.Length == 1 && character[0] is >= ' ' and <= '~' and not ('"' or '\\' or '&' or '\'' or '+' or '<' or '>' or '`');
                var taken = new ArrayBufferWriter<byte>();
                RowTexts(prediction, out var time, out var target);
                Assert.Equal(copied, PlainJsonLine.TryWrite(prediction, time, target, taken));
                if (copied) straight++;
                else Assert.Equal(0, taken.WrittenCount);
            }
        }
        Assert.True(straight > 250, $"only {straight} predictions took the straight path");
    }

    [Fact]
    public void Random_predictions_of_many_shapes_are_the_json_writers_bytes()
    {
        var random = new Random(20261203);
        for (int i = 0; i < 20_000; i++)
        {
            int count = random.Next(1, 5);
            var features = Enumerable.Range(0, count).Select(k => $"f{k}_{random.Next(1000)}").ToArray();
            var values = new float[random.Next(2) == 0 ? 3 * count : Prediction.MaturedLength(count)];
            for (int v = 0; v < values.Length; v++)
            {
                float value;
                do value = random.Next(3) == 0 ? BitConverter.UInt32BitsToSingle((uint)random.NextInt64(1L << 32)) : (float)((random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-5, 8)));
                while (!float.IsFinite(value));
                values[v] = value;
            }
            var prediction = new Prediction($"S-{random.Next(100_000)}.x_{i}", $"2024-0{random.Next(1, 10)}-1{random.Next(10)} 1{random.Next(10)}:{random.Next(10, 60)}",
                random.Next(4) == 0 ? null : new DateTime(2024, 1, 1).AddMinutes(random.Next(1_000_000)), Format, features, values,
                random.NextInt64(-1, long.MaxValue), random.Next(2) == 0 ? "rnn" : "naive-seasonal", 0, i);
            Assert.Equal(WriterJson(prediction), PredictionFormats.ToJson(prediction));
        }
    }

    [Fact]
    public void A_number_that_is_no_json_number_is_refused_as_the_writer_refuses_it()
    {
        foreach (float bad in new[] { float.NaN, float.PositiveInfinity, float.NegativeInfinity })
        {
            var prediction = Make("s1", "2024-01-01 10:00", ["close"], "rnn", [1f, bad, 2f]);
            RowTexts(prediction, out var time, out var target);
            Assert.False(PlainJsonLine.TryWrite(prediction, time, target, new ArrayBufferWriter<byte>()));
            Assert.Throws<ArgumentException>(() => PredictionFormats.ToJson(prediction));
        }
    }

    private static Prediction Make(string series, string timestamp, string[] features, string forecaster, float[] values) =>
        new(series, timestamp, new DateTime(2024, 1, 1, 10, 30, 0), Format, features, values, 7, forecaster, 0, 0);

    private static void RowTexts(Prediction prediction, out ReadOnlySpan<char> time, out ReadOnlySpan<char> target)
    {
        time = prediction.TimestampText(new RecentTimeText());
        target = prediction.TargetTimestampText(new RecentTimeText());
    }

    /// <summary>The line as the JSON writer makes it, property by property, in the order the output writes them.</summary>
    private static string WriterJson(Prediction prediction)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("series", prediction.SeriesId);
            json.WriteString("timestamp", prediction.TimestampText(new RecentTimeText()));
            json.WriteString("target_timestamp", prediction.TargetTimestamp);
            json.WriteNumber("weights_version", prediction.WeightsVersion);
            json.WriteString("forecaster", prediction.Forecaster);
            json.WriteBoolean("anomaly", prediction.Anomaly);
            json.WriteStartObject("predictions");
            for (int k = 0; k < prediction.Count; k++)
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
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
