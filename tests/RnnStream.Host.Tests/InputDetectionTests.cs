using System.Globalization;
using RnnStream.Feeds.Parsing;
using RnnStream.Feeds.Records;
using RnnStream.Host.Configuration;
using Xunit;

namespace RnnStream.Host.Tests;

/// <summary>The auto keys chosen from a feed's warm-up (<see cref="InputDetection"/>, <see cref="FeedWarmUp"/>).</summary>
public sealed class InputDetectionTests : IDisposable
{
    private readonly ScratchDirectory _scratch = new("detection");

    public void Dispose() => _scratch.Dispose();

    private static readonly DateTime Start = new(2024, 1, 1);

    /// <summary>Half-hourly counts with a daily and a weekly rhythm and noise, like the taxi stream.</summary>
    private static double Weekly(int i, Random noise) =>
        1000 + 400 * Math.Sin(2 * Math.PI * i / 48) + (i / 48 % 7 >= 5 ? -300 : 0) + 50 * noise.NextDouble();

    private static List<Tick> Ticks(int count, TimeSpan step, Func<int, double> value, string series = "s") =>
        Enumerable.Range(0, count).Select(i =>
        {
            var time = Start + i * step;
            return new Tick(series, time, time.ToString("s", CultureInfo.InvariantCulture), [(float)value(i)], i, TimestampFormat.Pattern("yyyy-MM-ddTHH:mm:ss"));
        }).ToList();

    [Fact]
    public void A_half_hourly_series_with_a_weekly_rhythm_gets_the_week_as_its_season_time_features_the_change_and_two_days_of_window()
    {
        var noise = new Random(1);
        var choices = InputDetection.Choose(Ticks(6 * 336, TimeSpan.FromMinutes(30), i => Weekly(i, noise)), 0, "test");

        Assert.True(choices.TimeFeatures);
        Assert.Equal(336, choices.SeasonalLag);
        Assert.True(choices.PredictChange);
        Assert.Equal(96, choices.WindowLength);
        Assert.Equal(4, choices.TrainEvery);
        Assert.Equal(20, choices.RidgeLags);
        Assert.Equal(TimeSpan.FromMinutes(30), choices.Step);
    }

    [Fact]
    public void A_random_walk_of_five_minute_ticks_has_no_season_and_no_time_features_but_predicts_the_change()
    {
        var noise = new Random(2);
        double level = 70;
        var choices = InputDetection.Choose(Ticks(4096, TimeSpan.FromMinutes(5), _ => level += noise.NextDouble() - 0.5), 0, "test");

        Assert.False(choices.TimeFeatures);
        Assert.Equal(0, choices.SeasonalLag);
        Assert.True(choices.PredictChange);
        Assert.Equal(64, choices.WindowLength);
    }

    [Fact]
    public void A_fast_pulse_without_a_day_or_a_week_gets_its_own_period_as_the_season_and_no_calendar_inputs()
    {
        var noise = new Random(7);
        var choices = InputDetection.Choose(Ticks(4096, TimeSpan.FromMilliseconds(20), i => Pulse(i, 40) + 0.03 * noise.NextDouble()), 0, "test");

        Assert.Equal(40, choices.SeasonalLag);
        Assert.Equal(80, choices.WindowLength);
        Assert.False(choices.TimeFeatures);
    }

    /// <summary>A smooth wave's changes correlate strongly a few ticks apart; its rhythm is the period where they correlate again.</summary>
    [Fact]
    public void A_smooth_wave_gets_its_period_not_the_shortest_lag_looked_at()
    {
        var noise = new Random(8);
        var choices = InputDetection.Choose(Ticks(4096, TimeSpan.FromSeconds(1), i => Math.Sin(2 * Math.PI * i / 100) + 0.01 * noise.NextDouble()), 0, "test");

        Assert.InRange(choices.SeasonalLag, 99, 101);
        Assert.Equal(200, choices.WindowLength);
    }

    /// <summary>A heartbeat-like shape: a sharp peak and a smaller second wave every <paramref name="period"/> ticks.</summary>
    internal static double Pulse(int i, double period)
    {
        double phase = 2 * Math.PI * (i % period) / period;
        return Math.Exp(-(phase - 1.0) * (phase - 1.0) / 0.05) + 0.3 * Math.Exp(-(phase - 2.5) * (phase - 2.5) / 0.2);
    }

    [Fact]
    public void Noise_around_a_mean_is_predicted_as_a_level()
    {
        var noise = new Random(3);
        var choices = InputDetection.Choose(Ticks(2000, TimeSpan.FromMinutes(1), _ => 5 + noise.NextDouble()), 0, "test");

        Assert.False(choices.PredictChange);
        Assert.Equal(0, choices.SeasonalLag);
    }

    [Fact]
    public void Daily_closes_of_many_stocks_are_a_day_or_more_apart_so_no_calendar_inputs_no_ridge_and_a_window_every_32_ticks()
    {
        var noise = new Random(4);
        var ticks = new List<Tick>();
        for (int stock = 0; stock < 30; stock++)
        {
            double price = 50;
            // Weekdays only: the steps are one day or three.
            var days = Enumerable.Range(0, 400).Select(d => Start.AddDays(d)).Where(d => d.DayOfWeek is not DayOfWeek.Saturday and not DayOfWeek.Sunday).ToList();
            ticks.AddRange(days.Select((day, i) => new Tick($"S{stock}", day, day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), [(float)(price += noise.NextDouble() - 0.5)], i, TimestampFormat.Pattern("yyyy-MM-dd"))));
        }

        var choices = InputDetection.Choose(ticks, 0, "test");

        Assert.False(choices.TimeFeatures);
        Assert.Equal(0, choices.SeasonalLag);
        Assert.Equal(0, choices.RidgeLags);
        Assert.Equal(30, choices.TrainEvery);
        Assert.Equal(64, choices.WindowLength);
    }

    /// <summary>
    /// Detection reads the warm-up and nothing after it: a file whose rows after the warm-up are
    /// replaced (here by a flat line, which alone would detect no season) makes the same choices, for
    /// the same reasons. The same change inside the warm-up does change them, so the test can fail.
    /// </summary>
    [Fact]
    public void Detection_is_causal_changing_the_data_after_the_warm_up_changes_no_choice()
    {
        var noise = new Random(5);
        var values = Enumerable.Range(0, 10 * 336).Select(i => Weekly(i, noise)).ToArray();
        const int warmUp = 4 * 336;
        var schema = new FeedSchema { FixedSeriesId = "taxi" };

        string Said(double[] series)
        {
            string path = Path.Combine(_scratch.Path, $"{Guid.NewGuid():N}.csv");
            File.WriteAllLines(path, ["timestamp,value", .. series.Select((v, i) => $"{Start.AddMinutes(30 * i):yyyy-MM-dd HH:mm:ss},{v.ToString(CultureInfo.InvariantCulture)}")]);
            return FeedWarmUp.Detect("file", path, schema, series.Length, warmUp).Describe(AutoKeys.Inputs);
        }

        string original = Said(values);
        string laterChanged = Said([.. values.Take(warmUp), .. Enumerable.Repeat(1000.0, values.Length - warmUp)]);
        string earlierChanged = Said([.. Enumerable.Repeat(1000.0, 10), .. values.Skip(10).Take(warmUp - 20).Select((_, i) => 1000.0 + (i % 2)), .. values.Skip(warmUp - 10)]);

        Assert.Contains("seasonal lag 336", original);
        Assert.Contains($"the first {warmUp:N0} ticks", original);
        Assert.Equal(original, laterChanged);
        Assert.NotEqual(original, earlierChanged);
    }

    [Fact]
    public void Keys_set_by_the_deployment_are_its_own_and_only_auto_ones_are_said()
    {
        string path = Path.Combine(_scratch.Path, "weekly.csv");
        var noise = new Random(6);
        File.WriteAllLines(path, ["timestamp,value", .. Enumerable.Range(0, 10 * 336).Select(i => $"{Start.AddMinutes(30 * i):yyyy-MM-dd HH:mm:ss},{Weekly(i, noise).ToString(CultureInfo.InvariantCulture)}")]);

        var auto = new Deployment(DeploymentConfig.Load(null, [$"feed.path={path}", "detection.warm-up-ticks=2016"]));
        var set = new Deployment(DeploymentConfig.Load(null, [$"feed.path={path}", "detection.warm-up-ticks=2016", "series.seasonal-lag=48", "model.time-features=off", "series.window=32"]));

        Assert.Equal((336, true, 96), (auto.SeasonalLag, auto.TimeFeatures, auto.WindowLength));
        Assert.Equal((48, false, 32), (set.SeasonalLag, set.TimeFeatures, set.WindowLength));
        Assert.Contains("seasonal lag 336", auto.InputsSaid);
        Assert.DoesNotContain("seasonal lag", set.InputsSaid);
        Assert.Contains("target change", set.InputsSaid);
    }

    /// <summary>
    /// config/live.conf's socket feed cannot be read ahead; given past bars in its own line format,
    /// it chooses from them as a file feed chooses from its first ticks, and says so.
    /// </summary>
    [Fact]
    public void A_socket_feed_chooses_its_auto_keys_from_a_sample_of_past_ticks()
    {
        string sample = Path.Combine(_scratch.Path, "bars.jsonl");
        var noise = new Random(8);
        File.WriteAllLines(sample, Enumerable.Range(0, 10 * 336).SelectMany(i => new[] { "AA", "BB" }.Select(ticker =>
        {
            string close = Weekly(i, noise).ToString("0.##", CultureInfo.InvariantCulture);
            return $"{{\"timestamp\":\"{Start.AddMinutes(30 * i):yyyy-MM-dd HH:mm:ss}\",\"ticker\":\"{ticker}\",\"open\":{close},\"high\":{close},\"low\":{close},\"close\":{close}}}";
        })));
        string live = RepositoryPaths.Config("live.conf");

        var sampled = new Deployment(DeploymentConfig.Load(live, [$"detection.sample={sample}"]));
        var unsampled = new Deployment(DeploymentConfig.Load(live, []));

        Assert.Equal((336, true), (sampled.SeasonalLag, sampled.TimeFeatures));
        Assert.Contains("detected from the first 4,096 ticks of bars.jsonl (2 series; detection.sample)", sampled.InputsSaid);
        Assert.Equal((0, false, 64), (unsampled.SeasonalLag, unsampled.TimeFeatures, unsampled.WindowLength));
        Assert.Contains("detection.sample = FILE of past ticks chooses them", unsampled.InputsSaid);
        var missing = new Deployment(DeploymentConfig.Load(live, [$"detection.sample={Path.Combine(_scratch.Path, "none.jsonl")}"]));
        Assert.Contains("does not exist", Assert.Throws<FileNotFoundException>(() => missing.SeasonalLag).Message);
    }

    [Fact]
    public void A_generated_feed_is_not_read_ahead_and_keeps_the_fixed_defaults()
    {
        var deployment = new Deployment(DeploymentConfig.Load(null, ["feed.type=synthetic-prices"]));

        Assert.Equal((false, 0, false, 64, 32, 0), (deployment.TimeFeatures, deployment.SeasonalLag, deployment.PredictChange, deployment.WindowLength, deployment.TrainEvery, deployment.RidgeLags));
        Assert.Contains("not read ahead", deployment.InputsSaid);
    }
}
