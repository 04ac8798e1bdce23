using RnnStream.Actors.Metrics;
using RnnStream.Feeds.Parsing;
using RnnStream.Host.Configuration;
using RnnStream.Host.Plots;
using Spectre.Console;

namespace RnnStream.Host.Running;

/// <summary>
/// `rnnstream eval`: a replay through the live pipeline (the same series actors, trainer and
/// schedule as `run`), scored from the configured first row, beside other systems' prediction
/// files scored by the same metric code on the same rows.
/// </summary>
internal static class EvalCommand
{
    /// <param name="report">Where to write the side-by-side scores as CSV (model,scored,mae,rmse,nrmse,mape,mase,coverage); null for none.</param>
    /// <param name="plots">What to draw and where; null for no plots.</param>
    /// <param name="http">Serve the live service while the replay runs (off unless asked: an evaluation is a batch job).</param>
    public static async Task<int> ExecuteAsync(Deployment deployment, IReadOnlyList<(string Name, string Path)> others, string? report,
        EvalPlotOptions? plots, IAnsiConsole console, IAnsiConsole progressConsole, CancellationToken cancellation, bool http = false)
    {
        var files = others.Select(o => PredictionFile.Read(o.Name, o.Path)).ToList();
        var trace = plots is null ? null : new ForecastTrace(plots.SeriesId);
        using var locks = RunCommand.LockFiles(deployment);
        await using var service = http ? await Http.LiveService.StartAsync(deployment, new Http.ServiceState(), evenIfOff: true) : null;
        if (service is not null) progressConsole.MarkupLine($"live service: {Markup.Escape(service.Address.ToString())} (/metrics, /health, /series/ID)");
        var run = await RunCommand.RunToEndAsync(deployment, progressConsole, cancellation, trace is null ? null : trace.Record, service?.State);
        var overall = run.Metrics.PooledOverall();

        var table = new Table().Title($"side by side, scored from feed row {deployment.ScoreFrom:N0}, horizon {deployment.Horizon}");
        foreach (var column in new[] { "model", "scored", "MAE", "RMSE", "NRMSE", "MAPE", "MASE", "coverage" })
            table.AddColumn(new TableColumn(column).RightAligned());
        var scored = new List<(string Name, ForecastScore Score, double Nrmse, bool Intervals)> { ("rnnstream", overall.Scored, overall.Nrmse, true) };
        foreach (var file in files)
        {
            var (score, truthStdDev) = Score(file, deployment.Horizon, deployment.ScoreFrom);
            scored.Add((file.Name, score, score.NrmseOver(truthStdDev), false));
        }
        foreach (var (name, score, nrmse, intervals) in scored) table.AddRow(ResultsTable.Row(Markup.Escape(name), score, nrmse, intervals));
        ResultsTable.Show(console, table);
        if (report is not null)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(report))!);
            File.WriteAllLines(report, new[] { "model,scored,mae,rmse,nrmse,mape,mase,coverage" }.Concat(scored.Select(s => string.Join(',',
                s.Name, s.Score.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), ResultsTable.Number(s.Score.Mae), ResultsTable.Number(s.Score.Rmse),
                ResultsTable.Number(s.Nrmse), ResultsTable.Number(s.Score.Mape), ResultsTable.Number(s.Score.Mase), s.Intervals ? ResultsTable.Number(s.Score.Coverage) : ""))));
        }
        // As `run` does: the predictions' metrics and weights beside them, and where all of it went.
        RunCommand.WriteResults(console, deployment, run);
        if (plots is not null && trace is not null) Draw(plots, trace, files, deployment, console);
        return 0;
    }

    private static void Draw(EvalPlotOptions plots, ForecastTrace trace, IReadOnlyList<PredictionFile> files, Deployment deployment, IAnsiConsole console)
    {
        if (trace.Count == 0)
        {
            console.MarkupLine($"[yellow]no plots: series '{Markup.Escape(trace.SeriesId ?? "")}' has no scored forecast[/]");
            return;
        }
        string stem = Path.Combine(plots.Directory, FileSafe(trace.SeriesId!));
        long toRow = plots.ToRow ?? trace.Rows[^1];
        long fromRow = plots.FromRow ?? trace.Rows[Math.Max(0, trace.Count - EvalPlotOptions.DefaultRange)];
        string actualPath = $"{stem}.actual-vs-predicted.png";
        int drawn = ForecastPlots.ActualVsPredicted(trace, fromRow, toRow, actualPath);
        if (drawn == 0) console.MarkupLine($"[yellow]no forecasts of '{Markup.Escape(trace.SeriesId!)}' target rows {fromRow}-{toRow}: {Markup.Escape(actualPath)} not written[/]");

        var lines = new List<ForecastPlots.ScoredLine>
        {
            new("rnnstream", trace.Rows, trace.Actual, trace.Predicted),
            new($"persistence ({deployment.Horizon} steps)", trace.Rows, trace.Actual, trace.Persistence),
        };
        int h = deployment.Horizon;
        foreach (var file in files)
        {
            int n = Math.Max(0, file.Truth.Length - h);
            lines.Add(new(file.Name, Enumerable.Range(0, n).Select(i => file.FirstOffset + i + h).ToArray(),
                file.Truth.Skip(h).Take(n).ToArray(), file.Forecast.Take(n).ToArray()));
        }
        string rollingPath = $"{stem}.rolling-error.png";
        ForecastPlots.RollingMape(lines, plots.RollingWindow, deployment.ScoreFrom, trace.SeriesId!, rollingPath);
        console.MarkupLine($"plots: {Markup.Escape(actualPath)} ({drawn:N0} points), {Markup.Escape(rollingPath)}");
    }

    private static string FileSafe(string name) =>
        string.Concat(name.Select(c => Path.GetInvalidFileNameChars().Contains(c) || c == ' ' ? '_' : c));

    /// <summary>Forecast on row i for row i + horizon, against the truth there and persistence (row i's truth), for target rows from <paramref name="scoreFrom"/>.</summary>
    public static (ForecastScore Score, double TruthStdDev) Score(PredictionFile file, int horizon, long scoreFrom)
    {
        var score = new ForecastScore();
        var whole = new ForecastScore();
        for (int i = 0; i + horizon < file.Truth.Length; i++)
        {
            double actual = file.Truth[i + horizon], forecast = file.Forecast[i], persistence = file.Truth[i];
            if (double.IsNaN(actual) || double.IsNaN(forecast)) continue;
            whole.Add(actual, forecast, forecast, forecast, persistence);
            if (file.FirstOffset + i + horizon >= scoreFrom) score.Add(actual, forecast, forecast, forecast, persistence);
        }
        return (score, whole.TruthStdDev);
    }
}
