using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using RnnStream.Feeds.Parsing;
using RnnStream.Feeds.Records;

namespace RnnStream.Feeds.Tests.Parsing;

/// <summary>Random lines thrown at the parser: nothing escapes, nothing hangs, every line is accounted for, and what passes is a sound tick.</summary>
public sealed class RecordParserProperties
{
    private static readonly FeedSchema Long = new() { SeriesColumn = "series", MaxLineLength = 200, MaxSeries = 50 };
    private static readonly FeedSchema Json = new() { Format = FeedFormat.JsonLines, SeriesColumn = "series", Features = ["a", "b"], MaxLineLength = 200 };

    /// <summary>Pieces that make near-valid lines, so the random lines reach past the first checks.</summary>
    private static readonly string[] Pieces =
    [
        "2024-01-01 00:00:00", "2024-01-01 00:01:00", "2023-12-31 23:59:59", "1704067200", "yesterday", "", " ", "s1", "s2", " s3 ", "\"s,4\"", "\"",
        "1", "-2.5", "1e300", "NaN", "-Infinity", "0x10", "1,5", "\u0000", "\uFFFD", "\u00e9t\u00e9", "{", "}", "[1,2]", "\"a\":1", "null", "\t",
    ];

    private static Gen<string> NearValidLines =>
        from parts in Gen.Elements(Pieces).ArrayOf()
        from separator in Gen.Elements(",", ",", ",", ";", "")
        select string.Join(separator, parts);

    private static Gen<string> AnyLines => Gen.OneOf(ArbMap.Default.GeneratorFor<string>().Where(s => s is not null), NearValidLines,
        ArbMap.Default.GeneratorFor<byte[]>().Where(b => b is not null).Select(bytes => new System.Text.UTF8Encoding(false, false).GetString(bytes)));

    [Property(MaxTest = 3000)]
    public Property Any_line_in_the_long_format_becomes_exactly_one_tick_or_one_reject_and_nothing_escapes() =>
        Prop.ForAll(Batches(AnyLines), lines => Accounts(Long, "timestamp,series,a,b", lines));

    [Property(MaxTest = 3000)]
    public Property Any_line_in_JSON_lines_becomes_exactly_one_tick_or_one_reject_and_nothing_escapes() =>
        Prop.ForAll(Batches(AnyLines.Select(Jsonish)), lines => Accounts(Json, null, lines));

    /// <summary>
    /// Batches of lines, drawn only from FsCheck's own generator (so a failure replays from the seed it
    /// prints) and shrunk by dropping lines, down to the one line that breaks the parser.
    /// </summary>
    private static Arbitrary<string[]> Batches(Gen<string> lines) => Arb.From(lines.ArrayOf(), ShorterBatches);

    private static IEnumerable<string[]> ShorterBatches(string[] lines)
    {
        if (lines.Length == 0) yield break;
        if (lines.Length > 1)
        {
            yield return lines[..(lines.Length / 2)];
            yield return lines[(lines.Length / 2)..];
        }
        for (int i = 0; i < lines.Length; i++) yield return [.. lines[..i], .. lines[(i + 1)..]];
    }

    /// <summary>Wraps a random line into something JSON-like half of the time, to reach the JSON field checks.</summary>
    private static string Jsonish(string text) => text.Length % 2 == 0
        ? $"{{\"timestamp\":\"2024-01-01T00:0{text.Length % 10}:00Z\",\"series\":\"{text}\",\"a\":{(text.Length > 3 ? text[..3] : "1")},\"b\":2}}"
        : text;

    private static bool Accounts(FeedSchema schema, string? header, string[] lines)
    {
        var parser = new RecordParser(schema);
        var output = new List<FeedRecord>();
        var work = Task.Run(() =>
        {
            if (header is not null) parser.Parse(header, 0, output);
            for (int i = 0; i < lines.Length; i++)
            {
                int before = output.Count;
                parser.Parse(lines[i], i + 1, output);
                if (output.Count != before + 1) throw new InvalidOperationException($"line {i + 1} gave {output.Count - before} records: {lines[i]}");
            }
        });
        if (!work.Wait(TimeSpan.FromSeconds(10))) throw new TimeoutException("the parser hung");
        return output.All(record => record switch
        {
            Tick tick => tick.Values.Length == 2 && tick.Values.All(v => float.IsFinite(v) && Math.Abs(v) <= schema.MaxAbsValue)
                         && tick.SeriesId.Length > 0 && tick.SeriesId.Trim() == tick.SeriesId,
            Rejected rejected => !string.IsNullOrEmpty(rejected.Detail) && Enum.IsDefined(rejected.Reason),
            _ => false,
        });
    }
}
