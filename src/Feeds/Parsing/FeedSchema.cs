namespace RnnStream.Feeds.Parsing;

/// <summary>Which columns of a feed are the time, the series and the features, which features are predicted, and the bounds a record must keep.</summary>
public sealed record FeedSchema
{
    public FeedFormat Format { get; init; } = FeedFormat.Long;
    public char Delimiter { get; init; } = ',';
    public string TimestampColumn { get; init; } = "timestamp";

    /// <summary>Column holding the series id (long and JSON formats); null means every row belongs to <see cref="FixedSeriesId"/>.</summary>
    public string? SeriesColumn { get; init; }

    public string FixedSeriesId { get; init; } = "series";

    /// <summary>Feature columns, in input order. Empty: every column but the timestamp and series (long), or one feature named "value" (wide).</summary>
    public IReadOnlyList<string> Features { get; init; } = [];

    /// <summary>Features that are predicted (K of them); empty: all of them.</summary>
    public IReadOnlyList<string> Targets { get; init; } = [];

    /// <summary>Rows after the header to skip (the cui2016 files have two type rows).</summary>
    public int SkipRowsAfterHeader { get; init; }

    /// <summary>Timestamp pattern (.NET custom format), "seconds", or null to detect it from the first row.</summary>
    public string? TimestampPattern { get; init; }

    public int MaxLineLength { get; init; } = 65_536;

    /// <summary>Values larger than this in magnitude are rejected as absurd.</summary>
    public double MaxAbsValue { get; init; } = 1e12;

    /// <summary>New series beyond this many are rejected, so memory stays bounded.</summary>
    public int MaxSeries { get; init; } = 250_000;

    public int MaxSeriesIdLength { get; init; } = 128;

    /// <summary>Positions of <see cref="Targets"/> among <paramref name="features"/> (all of them when none are named).</summary>
    /// <exception cref="FeedSchemaException">A target that is not a feature.</exception>
    public int[] TargetIndicesIn(IReadOnlyList<string> features)
    {
        if (Targets.Count == 0) return Enumerable.Range(0, features.Count).ToArray();
        return Targets.Select(t =>
        {
            int i = features.ToList().FindIndex(f => f.Equals(t, StringComparison.OrdinalIgnoreCase));
            return i >= 0 ? i : throw new FeedSchemaException($"target '{t}' is not one of the features ({string.Join(", ", features)})");
        }).ToArray();
    }
}
