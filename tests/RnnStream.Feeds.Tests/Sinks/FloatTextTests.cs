using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using RnnStream.Feeds.Sinks;
using Xunit;

namespace RnnStream.Feeds.Tests.Sinks;

/// <summary>
/// The outputs' own float text against .NET's shortest round-trip text, which it replaces: the
/// same characters for the floats where the method's exact cases and the layout's switches lie,
/// and for millions of random ones (all 2³² floats were compared once, docs/RESULTS.md).
/// </summary>
public sealed class FloatTextTests
{
    [Fact]
    public void Edge_floats_are_written_as_dotnet_writes_them()
    {
        var edges = new List<float>
        {
            0f, -0f, float.Epsilon, -float.Epsilon, BitConverter.UInt32BitsToSingle(0x007FFFFF), BitConverter.UInt32BitsToSingle(0x00800000),
            float.MaxValue, float.MinValue, float.NaN, float.PositiveInfinity, float.NegativeInfinity,
            1e-4f, 9.999999e-5f, 1e-5f, 123456790f, 999999940f, 1e9f, 16777216f, 16777217f, 0.1f, 0.3f, 1f / 3, 2f / 3, 12345.678f, -0.000123f,
        };
        // Every power of ten and of two a float holds, and their neighbours: where the exact and the tie cases are.
        for (int e = -45; e <= 38; e++) edges.AddRange(Neighbours(float.Parse($"1e{e}", CultureInfo.InvariantCulture)));
        for (int e = -149; e <= 127; e++) edges.AddRange(Neighbours(MathF.ScaleB(1f, e)));
        // Whole numbers with trailing zeros, and halves, where digits are dropped exactly.
        for (int n = 1; n < 100_000; n += 7) edges.AddRange([n * 1000f, n + 0.5f, n / 8f]);

        foreach (float value in edges) AssertWrittenAsDotnet(value);
    }

    [Fact]
    public void Millions_of_random_floats_of_every_magnitude_and_of_forecasts_range_are_written_as_dotnet_writes_them()
    {
        var random = new Random(20261203);
        for (int i = 0; i < 2_000_000; i++) AssertWrittenAsDotnet(BitConverter.UInt32BitsToSingle((uint)random.NextInt64(1L << 32)));
        for (int i = 0; i < 1_000_000; i++) AssertWrittenAsDotnet((float)((random.NextDouble() - 0.3) * Math.Pow(10, random.Next(-3, 7))));
    }

    [Fact]
    public void A_json_number_is_the_text_the_json_writer_itself_writes()
    {
        var random = new Random(7);
        var buffer = new ArrayBufferWriter<byte>();
        using var json = new Utf8JsonWriter(buffer);
        Span<byte> mine = stackalloc byte[FloatText.MaxLength];
        for (int i = 0; i < 200_000; i++)
        {
            float value = BitConverter.UInt32BitsToSingle((uint)random.NextInt64(1L << 32));
            if (!float.IsFinite(value)) continue;
            buffer.ResetWrittenCount();
            json.Reset(buffer);
            json.WriteNumberValue(value);
            json.Flush();
            int length = FloatText.WriteUtf8(value, mine);
            Assert.True(mine[..length].SequenceEqual(buffer.WrittenSpan), $"{value:R}: '{Encoding.ASCII.GetString(mine[..length])}' against '{Encoding.ASCII.GetString(buffer.WrittenSpan)}'");
        }
    }

    private static IEnumerable<float> Neighbours(float value) => [MathF.BitDecrement(value), value, MathF.BitIncrement(value), -value];

    private static void AssertWrittenAsDotnet(float value)
    {
        Span<char> text = stackalloc char[FloatText.MaxLength];
        int length = FloatText.Write(value, text);
        string expected = value.ToString("R", CultureInfo.InvariantCulture);
        if (!text[..length].SequenceEqual(expected))
            Assert.Fail($"0x{BitConverter.SingleToUInt32Bits(value):X8}: '{new string(text[..length])}', .NET writes '{expected}'");
    }
}
