namespace RnnStream.Host.Plots;

/// <summary>What `rnnstream eval` draws: which series, which rows for actual against predicted, how wide the rolling error's window is, and where the PNGs go.</summary>
/// <param name="SeriesId">The series to draw; null for the first one scored.</param>
/// <param name="FromRow">First feed row (of the target) to draw; null for the last <see cref="DefaultRange"/> scored rows.</param>
/// <param name="ToRow">Last feed row to draw; null for the end.</param>
internal sealed record EvalPlotOptions(string Directory, string? SeriesId, long? FromRow, long? ToRow, int RollingWindow)
{
    /// <summary>Rows drawn when no range is given: two weeks of half hours.</summary>
    public const int DefaultRange = 672;
}
