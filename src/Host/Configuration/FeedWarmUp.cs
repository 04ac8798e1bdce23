using RnnStream.Feeds.Parsing;
using RnnStream.Feeds.Records;

namespace RnnStream.Host.Configuration;

/// <summary>
/// The first ticks of a file feed, read ahead with the parser the run will use, for the auto keys
/// (<see cref="InputDetection"/>). Only they are read: what comes after cannot change a choice.
/// </summary>
internal static class FeedWarmUp
{
    /// <summary>detection.warm-up-ticks = auto: a fifth of the feed, at most this many ticks (two weeks of five-minute ticks).</summary>
    public const int MostTicks = 4096;
    public const double ShareOfFeed = 0.2;

    /// <param name="warmUpTicks">detection.warm-up-ticks: a number, or null for auto.</param>
    public static InputChoices Detect(string feedType, string? path, FeedSchema schema, long? feedTicks, long? warmUpTicks)
    {
        if (feedType != "file")
            return InputChoices.Undetected("nothing: a socket or generated feed is not read ahead, so the defaults");
        if (path is null || !File.Exists(path)) return InputChoices.Undetected("nothing: no feed file");
        long limit = warmUpTicks ?? Math.Min(MostTicks, feedTicks is { } total ? Math.Max(1, (long)(total * ShareOfFeed)) : MostTicks);
        try
        {
            var parser = new RecordParser(schema);
            var records = new List<FeedRecord>();
            var ticks = new List<Tick>();
            long offset = 0;
            foreach (string line in File.ReadLines(path))
            {
                parser.Parse(line, offset++, records);
                foreach (var record in records)
                    if (record is Tick tick && ticks.Count < limit) ticks.Add(tick);
                records.Clear();
                if (ticks.Count >= limit) break;
            }
            if (!parser.HasLayout || parser.TargetIndices.Count == 0) return InputChoices.Undetected("nothing: the file has no features");
            int series = ticks.Select(t => t.SeriesId).Distinct(StringComparer.Ordinal).Count();
            string basis = $"the first {ticks.Count:N0} ticks ({series:N0} series{(ticks.Count < limit ? ", the whole feed" : "")}; detection.warm-up-ticks)";
            return InputDetection.Choose(ticks, parser.TargetIndices[0], basis) with { WarmUpTicks = ticks.Count };
        }
        catch (FeedSchemaException e)
        {
            // The run itself says what is wrong with the file, where it opens it.
            return InputChoices.Undetected($"nothing ({e.Message})");
        }
    }
}
