using ScottPlot;

namespace RnnStream.Host.Plots;

/// <summary>The evaluation's pictures (PNG): actual against predicted with the interval over a range of rows, and the rolling error of every model along the stream.</summary>
internal static class ForecastPlots
{
    private const int Width = 1400;
    private const int Height = 600;

    /// <summary>One model's forecasts aligned with the truth by feed row of the target.</summary>
    public sealed record ScoredLine(string Name, IReadOnlyList<long> Rows, IReadOnlyList<double> Actual, IReadOnlyList<double> Forecast);

    /// <summary>Actual, predicted and the interval of the traced series for target rows in [<paramref name="fromRow"/>, <paramref name="toRow"/>].</summary>
    /// <returns>How many points were drawn (0: nothing in that range, no file written).</returns>
    public static int ActualVsPredicted(ForecastTrace trace, long fromRow, long toRow, string path)
    {
        var chosen = Enumerable.Range(0, trace.Count).Where(i => trace.Rows[i] >= fromRow && trace.Rows[i] <= toRow).ToArray();
        if (chosen.Length == 0) return 0;
        double[] Pick(IReadOnlyList<double> values) => chosen.Select(i => values[i]).ToArray();
        double[] rows = chosen.Select(i => (double)trace.Rows[i]).ToArray();

        var plot = new Plot();
        var band = plot.Add.FillY(rows, Pick(trace.Lower), Pick(trace.Upper));
        band.FillColor = Colors.SteelBlue.WithAlpha(0.2);
        band.LineWidth = 0;
        band.LegendText = "interval";
        var actual = plot.Add.ScatterLine(rows, Pick(trace.Actual));
        actual.Color = Colors.Black;
        actual.LineWidth = 1.5f;
        actual.LegendText = "actual";
        var predicted = plot.Add.ScatterLine(rows, Pick(trace.Predicted));
        predicted.Color = Colors.SteelBlue;
        predicted.LineWidth = 1.5f;
        predicted.LegendText = "rnnstream";
        plot.Title($"{trace.SeriesId}: {trace.Feature}, actual and predicted, feed rows {rows[0]:F0}-{rows[^1]:F0}");
        plot.XLabel("feed row of the target");
        plot.YLabel(trace.Feature ?? "value");
        plot.ShowLegend(Alignment.UpperLeft);
        Save(plot, path);
        return chosen.Length;
    }

    /// <summary>Each model's rolling MAPE over <paramref name="window"/> rows, with a marker where scoring starts.</summary>
    public static void RollingMape(IReadOnlyList<ScoredLine> lines, int window, long scoreFrom, string title, string path)
    {
        var plot = new Plot();
        foreach (var line in lines)
        {
            var mape = RollingError.Mape(line.Actual, line.Forecast, window);
            var drawn = plot.Add.ScatterLine(line.Rows.Select(r => (double)r).ToArray(), mape);
            drawn.LineWidth = 1.5f;
            drawn.LegendText = line.Name;
        }
        if (scoreFrom > 0)
        {
            var start = plot.Add.VerticalLine(scoreFrom);
            start.Color = Colors.Gray;
            start.LinePattern = LinePattern.Dashed;
            start.LegendText = "scoring starts";
        }
        plot.Title($"{title}: rolling MAPE over {window} rows");
        plot.XLabel("feed row of the target");
        plot.YLabel("MAPE");
        plot.ShowLegend(Alignment.UpperRight);
        Save(plot, path);
    }

    private static void Save(Plot plot, string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        plot.SavePng(path, Width, Height);
    }
}
