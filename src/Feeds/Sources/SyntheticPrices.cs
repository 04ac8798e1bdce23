using System.Diagnostics;
using Akka;
using Akka.Streams.Dsl;
using RnnStream.Feeds.Parsing;
using RnnStream.Feeds.Records;

namespace RnnStream.Feeds.Sources;

/// <summary>
/// A seeded price feed of N tickers: one-minute OHLC bars (D = 4) from a log random walk whose
/// volatility itself wanders (mean-reverting in log) and now and then jumps to a new regime, so
/// the feed has the volatility clustering real prices have. Bars come in time order, one per
/// ticker per minute, stamped with the moment they are generated (pulled), for latency.
/// </summary>
public static class SyntheticPrices
{
    public static readonly string[] Features = ["open", "high", "low", "close"];
    private static readonly TimestampFormat Format = TimestampFormat.Pattern("yyyy-MM-dd HH:mm:ss");

    /// <param name="bars">Bars per ticker; a negative number never ends.</param>
    public static Source<Tick, NotUsed> Create(int tickers, long bars, int seed) =>
        Source.FromEnumerator(() => Generate(tickers, bars, seed).GetEnumerator());

    public static IEnumerable<Tick> Generate(int tickers, long bars, int seed)
    {
        var random = new Random(seed);
        var ids = Enumerable.Range(0, tickers).Select(i => $"T{i:D4}").ToArray();
        var logPrice = Enumerable.Range(0, tickers).Select(_ => Math.Log(20 + 180 * random.NextDouble())).ToArray();
        var logVol = Enumerable.Range(0, tickers).Select(_ => Math.Log(0.001 + 0.002 * random.NextDouble())).ToArray();
        var start = new DateTime(2024, 1, 2, 9, 30, 0);
        long offset = 0;
        for (long bar = 0; bars < 0 || bar < bars; bar++)
        {
            var time = start.AddMinutes(bar);
            string raw = Format.Format(time);
            for (int i = 0; i < tickers; i++)
            {
                if (random.NextDouble() < 0.001) logVol[i] = Math.Log(0.0005 + 0.004 * random.NextDouble());
                logVol[i] = -6.5 + 0.98 * (logVol[i] + 6.5) + 0.1 * Gaussian(random);
                double sigma = Math.Exp(logVol[i]);
                double open = Math.Exp(logPrice[i]), high = open, low = open;
                for (int step = 0; step < 6; step++)
                {
                    logPrice[i] += sigma / Math.Sqrt(6) * Gaussian(random);
                    double p = Math.Exp(logPrice[i]);
                    high = Math.Max(high, p);
                    low = Math.Min(low, p);
                }
                double close = Math.Exp(logPrice[i]);
                yield return new Tick(ids[i], time, raw, [(float)open, (float)high, (float)low, (float)close], offset++, Format, Stopwatch.GetTimestamp());
            }
        }
    }

    internal static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
