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
                break;
            case "tcp" or "file" when deployment.Schema.Format != FeedFormat.JsonLines && deployment.Columns.Count > 0:
                parser.Parse(string.Join(deployment.Schema.Delimiter, deployment.Columns), 0, []);
                break;
        }
        return new FeedLayout(parser.FeatureNames, parser.TargetIndices, parser);
    }

    private static FeedLayout Fixed(Deployment deployment, string[] features, RecordParser parser) =>
        new(features, deployment.Schema.TargetIndicesIn(features), parser);
}
