namespace RnnStream.Feeds.Parsing;

public enum FeedFormat
{
    /// <summary>One row per series and time: timestamp, optional series column, feature columns.</summary>
    Long,

    /// <summary>One row per time, one column per series (the column name is the series id), one feature each.</summary>
    Wide,

    /// <summary>One JSON object per line with the same column names as keys.</summary>
    JsonLines,
}
