using RnnStream.Feeds.Parsing;
using RnnStream.Feeds.Sources;
using RnnStream.Host.Configuration;

namespace RnnStream.Host.Running;

/// <summary>
/// A feed's features and targets, known before it runs: from a file's header, a header-less CSV
/// feed's <c>feed.columns</c>, the synthetic generators' fixed features, or <c>feed.features</c>. The
/// one place they are worked out, for `run` (which then reads with the same parser) and `summary`.
/// </summary>
internal sealed record FeedLayout(IReadOnlyList<string> Features, IReadOnlyList<int> Targets, RecordParser Parser)
{
    public bool IsKnown => Features.Count > 0;

    public static FeedLayout Of(Deployment deployment)
    {
        var parser = new RecordParser(deployment.Schema);
        switch (deployment.FeedType)
        {
            case "synthetic-prices":
                return Fixed(deployment, SyntheticPrices.Features, parser);
            case "synthetic-vitals":
                return Fixed(deployment, SyntheticVitals.Features, parser);
            case "file" when deployment.FeedPath is { } path && File.Exists(path):
                parser.Parse(File.ReadLines(path).FirstOrDefault() ?? throw new ArgumentException($"feed file '{path}' is empty"), 0, []);
                if (deployment.Schema.Features.Count == 0) RefuseTextColumns(path, deployment.Schema, parser.FeatureNames);
                break;
            case "tcp" or "file" when deployment.Schema.Format != FeedFormat.JsonLines && deployment.Columns.Count > 0:
                parser.Parse(string.Join(deployment.Schema.Delimiter, deployment.Columns), 0, []);
                break;
        }
        return new FeedLayout(parser.FeatureNames, parser.TargetIndices, parser);
    }

    /// <summary>Rows looked at for a column of text among the features taken from the header.</summary>
    private const int RowsChecked = 20;

    /// <summary>
    /// Features taken from a CSV header are every column but the time and the series: a column of
    /// text among them (a label, a comment) would make every line a reject. Said before the run,
    /// with the key that picks the features instead.
    /// </summary>
    private static void RefuseTextColumns(string path, FeedSchema schema, IReadOnlyList<string> features)
    {
        if (schema.Format == FeedFormat.JsonLines || features.Count == 0) return;
        var lines = File.ReadLines(path).Take(1 + schema.SkipRowsAfterHeader + RowsChecked).ToList();
        var header = lines[0].Split(schema.Delimiter).Select(name => name.Trim().Trim('"')).ToList();
        var rows = lines.Skip(1 + schema.SkipRowsAfterHeader).Select(line => line.Split(schema.Delimiter)).Where(cells => cells.Length == header.Count).ToList();
        if (rows.Count == 0) return;
        static bool IsNumber(string value) => double.TryParse(value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out _);
        var columns = features.Where(f => header.IndexOf(f) >= 0)
            .Select(f => (Name: f, Values: rows.Select(cells => cells[header.IndexOf(f)].Trim().Trim('"')).Where(value => value.Length > 0).ToList()))
            .ToList();
        var text = columns.Where(c => c.Values.Count > 0 && !c.Values.Any(IsNumber)).ToList();
        var numeric = columns.Where(c => c.Values.Any(IsNumber)).Select(c => c.Name).ToList();
        // Only beside columns of numbers: a file whose every feature is garbage is bad input, set aside line by line.
        if (text.Count == 0 || numeric.Count == 0) return;
        throw new ArgumentException($"column '{text[0].Name}' of {Path.GetFileName(path)} holds text ('{text[0].Values[0]}'), not numbers, and would make every line a reject: " +
            $"list the feature columns in feed.features, e.g. --set feed.features=[{string.Join(", ", numeric)}]");
    }

    private static FeedLayout Fixed(Deployment deployment, string[] features, RecordParser parser) =>
        new(features, deployment.Schema.TargetIndicesIn(features), parser);
}
