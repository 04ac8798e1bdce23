using System.Globalization;
using RnnStream.Host.Configuration;
using RnnStream.Host.Running;
using Xunit;

namespace RnnStream.Host.Tests;

/// <summary>training.holdout and training.sample-half-life at auto, sized to what one retrain interval brings (<see cref="AutoTrainingBudget"/>).</summary>
public sealed class AutoTrainingBudgetTests : IDisposable
{
    private readonly ScratchDirectory _scratch = new("budget");

    public void Dispose() => _scratch.Dispose();

    /// <summary>Two stocks' closes on the weekdays of 40 weeks: ticks a day apart, three days over each weekend.</summary>
    private string TradingDays()
    {
        string path = Path.Combine(_scratch.Path, "closes.csv");
        var lines = new List<string> { "date,AA,BB" };
        var noise = new Random(3);
        for (var day = new DateTime(1991, 1, 7); day < new DateTime(1991, 1, 7).AddDays(7 * 40); day = day.AddDays(1))
            if (day.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday))
                lines.Add(string.Create(CultureInfo.InvariantCulture, $"{day:yyyy-MM-dd},{10 + noise.NextDouble():0.00},{20 + noise.NextDouble():0.00}"));
        File.WriteAllLines(path, lines);
        return path;
    }

    [Fact]
    public void An_event_time_schedule_over_trading_days_sizes_the_holdout_to_the_windows_one_interval_brings()
    {
        var deployment = new Deployment(DeploymentConfig.Load(null,
        [
            $"feed.path={TradingDays()}", "feed.format=wide", "feed.timestamp-column=date",
            "training.every-event-time=28d", "training.replay-capacity=1000", "series.train-every=1",
        ]));
        var schedule = new RnnStream.Actors.Pipeline.RetrainSchedule { EveryEventTime = TimeSpan.FromDays(28) };

        var (settings, said) = AutoTrainingBudget.Size(deployment, schedule, trainEvery: 1);

        // Not regular (a fifth of the steps are weekends), yet four weeks bring 20 trading days of each stock:
        // about 40 windows, estimated from a warm-up that runs from a Monday to a Friday (41).
        Assert.Null(deployment.Inputs.Step);
        Assert.InRange(settings.HoldoutFraction * 1000, 38, 42);
        Assert.InRange(settings.SampleHalfLife, 6 * 38, 6 * 42);
        Assert.Matches("a retrain brings about 4[0-2] windows", said);
    }
}
