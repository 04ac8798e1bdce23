using RnnStream.Feeds.Records;
using RnnStream.Model.Preprocessing;

namespace RnnStream.Host.Configuration;

/// <summary>
/// Chooses the auto keys from a feed's warm-up, its first ticks, and from nothing after them, so a
/// forecast scored after the warm-up was made by a set-up that could not have seen it.
/// <list type="bullet">
/// <item>The seasonal lag is the day or the week (in ticks) whose changes correlate best, if at least <see cref="SeasonCorrelation"/>; looked for when the ticks are regular, less than a day apart, and the warm-up holds two of them.</item>
/// <item>Without a day or a week, the lag of 4 to 256 ticks over which the changes correlate best, if at least as much: a faster rhythm (a pulse, a duty cycle).</item>
/// <item>Time features go on when there is a daily or weekly season (a time of day must repeat to be learned, and is noise where nothing repeats by it).</item>
/// <item>The window holds two of the shortest such cycles (at least 64 ticks, at most <see cref="LongestWindow"/>), for a feed of few series.</item>
/// <item>The target is the change when the level persists (one-step correlation at least <see cref="PersistentLevel"/>), else the level.</item>
/// <item>A training window every 4 ticks for one series, up to every 32 for 32 series or more; the ridge for at most <see cref="RidgeSeries"/> series.</item>
/// </list>
/// </summary>
internal static class InputDetection
{
    public const double SeasonCorrelation = 0.3;
    public const double PersistentLevel = 0.5;
    public const int LongestWindow = 512;

    /// <summary>The longest cycle looked for other than the day and the week: two of them fill the longest window.</summary>
    public const int LongestCycle = LongestWindow / 2;
    public const int RidgeSeries = 16;

    /// <summary>Above this many series, a longer window would cost more memory per series than the defaults allow for.</summary>
    public const int WideWindowSeries = 100;
    private const double RegularShare = 0.9;
    private static readonly TimeSpan Day = TimeSpan.FromDays(1);

    /// <param name="warmUp">The feed's first ticks, in feed order.</param>
    /// <param name="targetIndex">Which value of a tick is looked at: the first predicted feature.</param>
    public static InputChoices Choose(IReadOnlyList<Tick> warmUp, int targetIndex, string basis)
    {
        var bySeries = warmUp.GroupBy(t => t.SeriesId, StringComparer.Ordinal)
            .Select(g => g.OrderBy(t => t.Timestamp).ToList()).ToList();
        int seriesCount = Math.Max(1, bySeries.Count);
        var reasons = new Dictionary<string, string>();

        var gaps = bySeries.Select(ticks => ticks.Zip(ticks.Skip(1), (a, b) => b.Timestamp - a.Timestamp).Where(g => g > TimeSpan.Zero).ToList())
            .Where(g => g.Count > 0).ToList();
        TimeSpan? step = gaps.Count == 0 ? null : Median(gaps.Select(Median).ToList());
        double regularShare = step is null ? 0
            : gaps.SelectMany(g => g).Count(g => Math.Abs((g - step.Value).Ticks) <= step.Value.Ticks / 100) / (double)gaps.Sum(g => g.Count);
        bool regular = regularShare >= RegularShare;
        TimeSpan span = bySeries.Count == 0 ? TimeSpan.Zero : bySeries.Max(ticks => ticks[^1].Timestamp - ticks[0].Timestamp);
        long steps = bySeries.Sum(ticks => (long)ticks.Count - 1);
        TimeSpan? meanStep = steps == 0 ? null : bySeries.Aggregate(TimeSpan.Zero, (sum, ticks) => sum + (ticks[^1].Timestamp - ticks[0].Timestamp)) / steps;

        var levels = bySeries.Select(ticks => (IReadOnlyList<double>)ticks.Select(t => (double)t.Values[targetIndex]).ToList()).ToList();
        var changes = levels.Select(Autocorrelation.Changes).ToList();
        var seasons = new List<(string Name, int Lag, double Correlation)>();
        if (regular && step < Day)
        {
            int daily = (int)Math.Round(Day / step!.Value);
            foreach (var (name, lag) in new[] { ("daily", daily), ("weekly", 7 * daily) })
            {
                // Two periods at least, or one correlation is all there is.
                double correlation = MeanOf(changes.Where(c => c.Length > 2 * lag).Select(c => Autocorrelation.At(c, lag)));
                if (!double.IsNaN(correlation)) seasons.Add((name, lag, correlation));
            }
        }
        var seasonal = seasons.Where(s => s.Correlation >= SeasonCorrelation).ToList();
        var calendar = seasonal.Count > 0;
        if (!calendar && regular && Rhythm(changes) is { } rhythm)
        {
            // No day or week, but a faster rhythm (a pulse, a machine's duty cycle): its period is the season, with no calendar inputs.
            seasons.Add(rhythm);
            seasonal.Add(rhythm);
        }

        // A time of day is worth an input only where the series repeats by the day or the week (a drifting machine's temperature: it was noise).
        bool timeFeatures = calendar;
        reasons[AutoKeys.TimeFeatures] = step is null ? "no two ticks of a series"
            : !regular ? $"{regularShare:P0} of steps are the usual {Format(step.Value)}"
            : step >= Day ? $"a tick every {Format(step.Value)}"
            : span < 2 * Day ? $"every {Format(step.Value)}, but the warm-up spans {Format(span)}"
            : !calendar ? $"every {Format(step.Value)}, no daily or weekly cycle"
            : $"every {Format(step.Value)}, a {seasonal.OrderBy(s => s.Lag).First().Name} cycle";
        var strongest = seasonal.OrderByDescending(s => s.Correlation).FirstOrDefault();
        reasons[AutoKeys.SeasonalLag] = seasons.Count == 0
            ? (regular ? "no cycle in the warm-up's changes" : "irregular ticks")
            : string.Join("; ", seasons.Select(s => $"{s.Name} {s.Correlation:0.00}")) + (seasonal.Count == 0 ? $", below {SeasonCorrelation}" : "") + " change correlation";

        int cycle = seasonal.Count == 0 ? 0 : seasonal.Min(s => s.Lag);
        int window = cycle > 0 && seriesCount <= WideWindowSeries ? Math.Clamp(2 * cycle, 64, LongestWindow) : 64;
        if (cycle > 0) reasons[AutoKeys.Window] = seriesCount <= WideWindowSeries ? $"two {cycle:N0}-tick cycles" : $"{seriesCount:N0} series keep the default";

        double persistence = MeanOf(levels.Select(l => Autocorrelation.At(l, 1)));
        bool predictChange = double.IsNaN(persistence) || persistence >= PersistentLevel;
        reasons[AutoKeys.Target] = double.IsNaN(persistence) ? "too few ticks to tell" : $"level correlation {persistence:0.00} a tick apart";

        int trainEvery = Math.Clamp(seriesCount, 4, 32);
        reasons[AutoKeys.TrainEvery] = $"{seriesCount:N0} series";
        int ridgeLags = seriesCount <= RidgeSeries ? 20 : 0;
        reasons[AutoKeys.RidgeLags] = $"{seriesCount:N0} series";

        return new InputChoices
        {
            TimeFeatures = timeFeatures,
            SeasonalLag = strongest.Lag,
            PredictChange = predictChange,
            WindowLength = window,
            TrainEvery = trainEvery,
            RidgeLags = ridgeLags,
            Reasons = reasons,
            Basis = basis,
            Step = regular ? step : null,
            MeanStep = meanStep > TimeSpan.Zero ? meanStep : null,
            SeriesCount = bySeries.Count,
        };
    }

    /// <summary>
    /// The lag, from 4 to <see cref="LongestCycle"/> ticks (a quarter of the warm-up at most), over
    /// which the changes correlate best, if at least <see cref="SeasonCorrelation"/>, looked for only
    /// past the first lag where they stop correlating: a smooth signal's changes correlate strongly
    /// a few ticks apart without any rhythm; a rhythm's correlation falls and comes back.
    /// </summary>
    private static (string Name, int Lag, double Correlation)? Rhythm(IReadOnlyList<double[]> changes)
    {
        int longest = Math.Min(LongestCycle, changes.Count == 0 ? 0 : changes.Max(c => c.Length) / 4);
        (int Lag, double Correlation) best = (0, double.NegativeInfinity);
        bool fell = false;
        for (int lag = 1; lag <= longest; lag++)
        {
            double correlation = MeanOf(changes.Where(c => c.Length >= 4 * lag).Select(c => Autocorrelation.At(c, lag)));
            if (double.IsNaN(correlation)) continue;
            fell |= correlation <= 0;
            if (fell && lag >= 4 && correlation > best.Correlation) best = (lag, correlation);
        }
        return best.Correlation >= SeasonCorrelation ? ($"{best.Lag}-tick", best.Lag, best.Correlation) : null;
    }

    private static TimeSpan Median(IReadOnlyList<TimeSpan> values)
    {
        var sorted = values.OrderBy(v => v).ToList();
        return sorted[sorted.Count / 2];
    }

    private static double MeanOf(IEnumerable<double> values)
    {
        var known = values.Where(v => !double.IsNaN(v)).ToList();
        return known.Count == 0 ? double.NaN : known.Average();
    }

    private static string Format(TimeSpan span) =>
        span >= Day && span.Ticks % Day.Ticks == 0 ? $"{span.TotalDays:0.#}d"
        : span >= Day ? $"{span.TotalDays:0.#} days"
        : span >= TimeSpan.FromHours(1) && span.Ticks % TimeSpan.TicksPerHour == 0 ? $"{span.TotalHours:0}h"
        : span >= TimeSpan.FromMinutes(1) && span.Ticks % TimeSpan.TicksPerMinute == 0 ? $"{span.TotalMinutes:0}m"
        : $"{span.TotalSeconds:0.###}s";
}
