using System.Globalization;
using RnnStream.Actors.Pipeline;
using Spectre.Console;

namespace RnnStream.Host.Running;

/// <summary>While a run goes: ticks, series, ticks/s, weights version, running MASE. A live line on a terminal, a plain line now and then elsewhere.</summary>
internal static class ProgressDisplay
{
    public static async Task RunAsync(RunHandle run, IAnsiConsole console, TimeSpan every)
    {
        if (console.Profile.Capabilities.Interactive)
        {
            await console.Status().StartAsync(Line(run), async context =>
            {
                while (!run.Completion.IsCompleted)
                {
                    await Task.WhenAny(run.Completion, Task.Delay(every));
                    context.Status(Line(run));
                }
            });
        }
        else
        {
            while (!run.Completion.IsCompleted)
            {
                await Task.WhenAny(run.Completion, Task.Delay(every));
                if (!run.Completion.IsCompleted) console.MarkupLine(Line(run));
            }
        }
    }

    private static string Line(RunHandle run)
    {
        var m = run.Metrics;
        string mase = double.IsNaN(m.Overall.Mase) ? "-" : m.Overall.Mase.ToString("F3", CultureInfo.InvariantCulture);
        var retrains = m.Retrains;
        string training = m.RetrainsStarted > retrains.Count ? " (training)" : "";
        string checkpoints = run.Checkpoints is { } c
            ? $"  checkpoints {c.CommittedCount:N0}{(c.InProgress > 0 ? $" (+{c.InProgress} writing)" : "")}{(c.FailedCount > 0 ? $" [red]{c.FailedCount} failed[/]" : "")}"
            : "";
        return $"ticks [bold]{m.Predictions:N0}[/]  series {m.SeriesCount:N0}  {m.TicksPerSecond:N0} ticks/s  weights v{run.Registry.Version}  " +
               $"MASE {mase}  rejected {m.Rejected:N0}  retrains {retrains.Count(r => r.WasPromoted)}/{retrains.Count}{training}{checkpoints}";
    }
}
