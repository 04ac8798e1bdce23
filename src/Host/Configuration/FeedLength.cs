using RnnStream.Feeds.Parsing;

namespace RnnStream.Host.Configuration;

/// <summary>How many ticks a replay will bring, known before it runs: a file's data lines (times its series columns when wide), or a synthetic feed's count.</summary>
internal static class FeedLength
{
    /// <returns>null when not known up front (a socket, a missing file).</returns>
    public static long? Ticks(string feedType, string? path, FeedSchema schema, int syntheticSeries, long syntheticTicks)
    {
        switch (feedType)
        {
            case "synthetic-prices" or "synthetic-vitals":
                return (long)syntheticSeries * syntheticTicks;
            case "file" when path is not null && File.Exists(path):
            {
                long lines = 0;
                string? header = null;
                using var reader = new StreamReader(path);
                while (reader.ReadLine() is { } line)
                {
                    if (line.Length == 0) continue;
                    header ??= line;
                    lines++;
                }
                if (schema.Format == FeedFormat.JsonLines) return lines;
                long rows = Math.Max(0, lines - 1 - schema.SkipRowsAfterHeader);
                // Wide: every column but the time is a series, so a row is that many ticks.
                return schema.Format == FeedFormat.Wide && header is not null
                    ? rows * Math.Max(1, header.Split(schema.Delimiter).Length - 1)
                    : rows;
            }
            default:
                return null;
        }
    }
}
