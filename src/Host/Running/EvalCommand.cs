using RnnStream.Actors.Metrics;
using RnnStream.Feeds.Parsing;
using RnnStream.Host.Configuration;
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
    public static async Task<int> ExecuteAsync(Deployment deployment, IReadOnlyList<(string Name, string Path)> others, string? report,
        IAnsiConsole console, IAnsiConsole progressConsole, CancellationToken cancellation)
    {
        var files = others.Select(o => PredictionFile.Read(o.Name, o.Path)).ToList();
        var run = await RunCommand.RunToEndAsync(deployment, progressConsole, cancellation);
        var metrics = run.Metrics;

        var table = new Table().Title($"side by side, scored from feed row {deployment.ScoreFrom:N0}, horizon {deployment.Horizon}");
        foreach (var column in new[] { "model", "scored", "MAE", "RMSE", "NRMSE", "MAPE", "MASE", "coverage" })
            table.AddColumn(new TableColumn(column).RightAligned());
        var scored = new List<(string Name, ForecastScore Score, double Nrmse, bool Intervals)> { ("rnnstream", metrics.Overall, metrics.OverallNrmse, true) };
        foreach (var file in files)
        {
            var (score, truthStdDev) = Score(file, deployment.Horizon, deployment.ScoreFrom);
            scored.Add((file.Name, score, score.NrmseOver(truthStdDev), false));
        }
        foreach (var (name, score, nrmse, intervals) in scored) table.AddRow(ResultsTable.Row(Markup.Escape(name), score, nrmse, intervals));
        console.Write(table);
        if (report is not null)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(report))!);
            File.WriteAllLines(report, new[] { "model,scored,mae,rmse,nrmse,mape,mase,coverage" }.Concat(scored.Select(s => string.Join(',',
                s.Name, s.Score.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), ResultsTable.Number(s.Score.Mae), ResultsTable.Number(s.Score.Rmse),
                ResultsTable.Number(s.Nrmse), ResultsTable.Number(s.Score.Mape), ResultsTable.Number(s.Score.Mase), s.Intervals ? ResultsTable.Number(s.Score.Coverage) : ""))));
        }
        ResultsTable.Write(console, metrics);
        return 0;
    }

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
