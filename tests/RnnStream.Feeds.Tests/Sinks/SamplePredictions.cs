using RnnStream.Feeds.Parsing;
using RnnStream.Feeds.Records;

namespace RnnStream.Feeds.Tests.Sinks;

/// <summary>Small one-feature predictions for sink tests, told apart by their number.</summary>
internal static class SamplePredictions
{
    public static readonly TimestampFormat Format = TimestampFormat.Pattern("yyyy-MM-dd HH:mm");

    /// <param name="series">The series it belongs to; by default one series per number.</param>
    public static Prediction Numbered(int i, string? series = null) =>
        new(series ?? $"s{i}", $"2024-01-01 10:{i:00}", null, Format, ["close"], [i, i - 1, i + 1], 1, "rnn", 0, i);
}
