using System.Globalization;
using RnnStream.Actors.Metrics;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace RnnStream.Host.Running;

/// <summary>The end of a run: accuracy per series and overall, throughput and latency, rejects and retrains.</summary>
internal static class ResultsTable
{
    private const int MaxRows = 40;

    public static void Write(IAnsiConsole console, RunMetrics metrics)
    {
        var table = new Table().Title("forecast accuracy (scored forecasts; MAPE = Σ|error| / Σ|truth|; NRMSE = RMSE / sd of the whole truth series; MASE vs persistence at the same horizon; " +
                                      "interval score vs persistence's textbook interval, ± z × RMS of its past errors: below 1 is better; " +
                                      "network's MASE: the network's own forecasts against persistence, whichever forecast the series published)");
        foreach (var column in new[] { "series", "scored", "MAE", "RMSE", "NRMSE", "MAPE", "MASE", "coverage", "interval vs naive", "network's MASE" })
            table.AddColumn(new TableColumn(column).RightAligned());
        var perSeries = metrics.PerSeries.OrderBy(p => p.Key, StringComparer.Ordinal).ToList();
        foreach (var (id, score) in perSeries.Take(MaxRows))
            table.AddRow([.. Row(Markup.Escape(id), score, metrics.Nrmse(id)), F(score.RelativeIntervalScore), F(metrics.NetworkScore(id)?.Mase ?? double.NaN)]);
        if (perSeries.Count > MaxRows) table.AddRow($"… {perSeries.Count - MaxRows:N0} more (see the metrics CSV)", "", "", "", "", "", "", "", "", "");
        var overall = metrics.PooledOverall();
        table.AddRow([.. Row("[bold]overall[/]", overall.Scored, overall.Nrmse), F(overall.Scored.RelativeIntervalScore), F(overall.Network.Mase)]);
        Show(console, table);

        console.MarkupLine(string.Create(CultureInfo.InvariantCulture,
            $"{metrics.Predictions:N0} predictions from {metrics.SeriesCount:N0} series in {metrics.Elapsed.TotalSeconds:F1} s: {metrics.TicksPerSecond:N0} ticks/s; " +
            $"tick-to-prediction latency p50 {metrics.Latency.Percentile(0.5):N0} µs, p99 {metrics.Latency.Percentile(0.99):N0} µs; failures {metrics.Failures:N0}"));
        var rejects = metrics.RejectsByReason;
        console.MarkupLine(rejects.Count == 0 ? "rejected: none" : "rejected: " + string.Join(", ", rejects.Select(r => $"{r.Key} {r.Value:N0}")));
        var retrains = metrics.Retrains;
        if (retrains.Count > 0)
        {
            console.MarkupLine($"retrains: {retrains.Count(r => r.WasPromoted)} promoted of {retrains.Count}");
            foreach (var retrain in retrains.TakeLast(5)) console.MarkupLine($"  from v{retrain.FromVersion}: {Markup.Escape(retrain.Verdict)}");
        }
    }

    public static void WriteCsv(string path, RunMetrics metrics)
    {
        using var writer = new StreamWriter(path);
        writer.WriteLine("series,scored,mae,rmse,nrmse,mape,mase,coverage,interval_score_vs_naive,naive_coverage,network_mae,network_mase");
        foreach (var (id, score) in metrics.PerSeries.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            var network = metrics.NetworkScore(id);
            writer.WriteLine(string.Join(',', Feeds.Parsing.CsvFields.Quote(id), score.Count.ToString(CultureInfo.InvariantCulture), N(score.Mae), N(score.Rmse), N(metrics.Nrmse(id)), N(score.Mape), N(score.Mase), N(score.Coverage),
                N(score.RelativeIntervalScore), N(score.NaiveCoverage), N(network?.Mae ?? double.NaN), N(network?.Mase ?? double.NaN)));
        }
        var pooled = metrics.PooledOverall();
        var overall = pooled.Scored;
        writer.WriteLine(string.Join(',', "overall", overall.Count.ToString(CultureInfo.InvariantCulture), N(overall.Mae), N(overall.Rmse),
            N(pooled.Nrmse), N(overall.Mape), N(overall.Mase), N(overall.Coverage), N(overall.RelativeIntervalScore), N(overall.NaiveCoverage),
            N(pooled.Network.Mae), N(pooled.Network.Mase)));
    }

    /// <summary>
    /// A table where the console is wide enough for it; in a narrower one each row as one line of
    /// "column value" pairs (wrapped between pairs, never inside a number or a name).
    /// </summary>
    public static void Show(IAnsiConsole console, Table table)
    {
        var needed = ((IRenderable)table).Measure(RenderOptions.Create(console), int.MaxValue);
        if (needed.Max <= console.Profile.Width)
        {
            console.Write(table);
            return;
        }
        if (table.Title is { } title) console.MarkupLine(title.Text);
        // Cells as their plain text, rendered without styles on one line however long.
        var plain = RenderOptions.Create(AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(TextWriter.Null), Ansi = AnsiSupport.No }));
        string Text(IRenderable cell) => cell is Markup ? string.Concat(cell.Render(plain, int.MaxValue).Select(segment => segment.Text)).Trim() : "";
        var headers = table.Columns.Select(column => Text(column.Header)).ToList();
        foreach (var row in table.Rows)
            console.MarkupLine(Markup.Escape(string.Join(", ", row.Select((cell, i) => i == 0 ? Text(cell) : $"{headers[i]} {Text(cell)}"))));
    }

    /// <param name="hasIntervals">False for forecasts that come without an interval (other systems' files): no coverage to show.</param>
    public static string[] Row(string name, ForecastScore score, double nrmse, bool hasIntervals = true) =>
        [name, score.Count.ToString("N0", CultureInfo.InvariantCulture), F(score.Mae), F(score.Rmse), F(nrmse), F(score.Mape), F(score.Mase),
            hasIntervals && !double.IsNaN(score.Coverage) ? score.Coverage.ToString("P1", CultureInfo.InvariantCulture) : "-"];

    private static string F(double value) => double.IsNaN(value) ? "-" : value.ToString(Math.Abs(value) >= 100 ? "F1" : "F4", CultureInfo.InvariantCulture);
    /// <summary>A figure for a CSV: round-trippable, empty when undefined.</summary>
    public static string Number(double value) => double.IsNaN(value) ? "" : value.ToString("R", CultureInfo.InvariantCulture);

    private static string N(double value) => Number(value);
}
