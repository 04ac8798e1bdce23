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
    /// <param name="sample">detection.sample: past ticks of a feed that cannot be read ahead; null when none.</param>
    public static InputChoices Detect(string feedType, string? path, FeedSchema schema, long? feedTicks, long? warmUpTicks, string? sample = null)
    {
        if (feedType == "tcp" && sample is not null)
        {
            if (!File.Exists(sample)) throw new FileNotFoundException($"detection.sample '{sample}' does not exist: it should hold past ticks of the feed to choose the auto keys from", sample);
            // Past ticks are not scored, so all of them may be read, up to the usual limit.
            var fromSample = Read(sample, schema, warmUpTicks ?? MostTicks, "detection.sample");
            return fromSample.WarmUpTicks > 0 ? fromSample
                : throw new InvalidDataException($"detection.sample '{sample}' holds no tick in the feed's layout ({fromSample.Basis})");
        }
        if (feedType != "file")
            return InputChoices.Undetected(feedType == "tcp"
                ? "nothing: a socket feed is not read ahead here, so the defaults (`run` on one node holds its first ticks to choose from, unless detection.socket-wait = off; " +
                  "a cluster's nodes do not: there detection.sample = FILE of past ticks chooses them)"
                : "nothing: a generated feed is not read ahead, so the defaults");
        if (path is null || !File.Exists(path)) return InputChoices.Undetected("nothing: no feed file");
        long limit = warmUpTicks ?? Math.Min(MostTicks, feedTicks is { } total ? Math.Max(1, (long)(total * ShareOfFeed)) : MostTicks);
        return Read(path, schema, limit, "detection.warm-up-ticks");
    }

    /// <param name="source">Where the basis comes from, as the first line names it.</param>
    private static InputChoices Read(string path, FeedSchema schema, long limit, string source)
    {
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
            string basis = source == "detection.warm-up-ticks"
                ? $"the first {ticks.Count:N0} ticks ({series:N0} series{(ticks.Count < limit ? ", the whole feed" : "")}; detection.warm-up-ticks)"
                : $"the first {ticks.Count:N0} ticks of {Path.GetFileName(path)} ({series:N0} series; {source})";
            return InputDetection.Choose(ticks, parser.TargetIndices[0], basis) with { WarmUpTicks = ticks.Count };
        }
        catch (FeedSchemaException e)
        {
            // The run itself says what is wrong with the file, where it opens it.
            return InputChoices.Undetected($"nothing ({e.Message})");
        }
    }
}
