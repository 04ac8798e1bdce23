using RnnStream.Feeds.Parsing;
using RnnStream.Feeds.Records;

namespace RnnStream.Actors.Tests;

internal static class Ticks
{
    public static readonly TimestampFormat Format = TimestampFormat.Pattern("yyyy-MM-dd HH:mm:ss");
    public static readonly DateTime Start = new(2024, 1, 1);

    public static Tick At(string series, int step, params float[] values)
    {
        var time = Start.AddMinutes(step);
        return new Tick(series, time, Format.Format(time), values, step, Format);
    }

    /// <summary>A smooth, series-specific signal with two features, so forecasts are non-trivial.</summary>
    public static float[] Values(string series, int step) =>
        [(float)Math.Sin(step * 0.3 + series.Length), (float)(10 + 3 * Math.Cos(step * 0.2 + series[^1]))];

    /// <summary>Ticks for several series, interleaved in time order.</summary>
    public static IEnumerable<Tick> Interleaved(IReadOnlyList<string> series, int steps, int firstStep = 0)
    {
        for (int step = firstStep; step < firstStep + steps; step++)
            foreach (var id in series)
                yield return At(id, step, Values(id, step));
    }
}
