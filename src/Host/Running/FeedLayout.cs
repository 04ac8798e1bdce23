using RnnStream.Feeds.Parsing;
using RnnStream.Feeds.Sources;
using RnnStream.Host.Configuration;

namespace RnnStream.Host.Running;

/// <summary>The feature and target counts of a deployment's feed, without running it (for `summary`).</summary>
internal static class FeedLayout
{
    public static (int Features, int Targets) Peek(Deployment deployment)
    {
        switch (deployment.FeedType)
        {
            case "synthetic-prices":
                return (SyntheticPrices.Features.Length, deployment.Schema.Targets.Count is 0 ? SyntheticPrices.Features.Length : deployment.Schema.Targets.Count);
            case "synthetic-vitals":
                return (SyntheticVitals.Features.Length, deployment.Schema.Targets.Count is 0 ? SyntheticVitals.Features.Length : deployment.Schema.Targets.Count);
        }
        var parser = new RecordParser(deployment.Schema);
        if (deployment.FeedType == "file" && deployment.FeedPath is { } path && File.Exists(path))
            parser.Parse(File.ReadLines(path).First(), 0, []);
        else if (deployment.Schema.Format != FeedFormat.JsonLines && deployment.Columns.Count > 0)
            parser.Parse(string.Join(deployment.Schema.Delimiter, deployment.Columns), 0, []);
        if (!parser.HasLayout) throw new ArgumentException("cannot tell the feed's features: give feed.features, feed.columns or an existing feed.path");
        return (parser.FeatureNames.Count, parser.TargetIndices.Count);
    }
}
