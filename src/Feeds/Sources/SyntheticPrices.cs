using System.Diagnostics;
using Akka;
using Akka.Streams.Dsl;
using RnnStream.Feeds.Records;

namespace RnnStream.Feeds.Sources;

/// <summary>
/// A seeded price feed of N tickers: one-minute OHLC bars (D = 4) from a log random walk whose
/// volatility itself wanders (mean-reverting in log) and now and then jumps to a new regime, so
/// the feed has the volatility clustering real prices have. Cheap per bar (one Box-Muller pair),
/// so a benchmark measures the pipeline rather than the generator. Bars come in time order, one per
/// ticker per minute, stamped with the moment they are generated (pulled), for latency.
/// </summary>
public static class SyntheticPrices
{
    public static readonly string[] Features = ["open", "high", "low", "close"];
    private static readonly TimestampFormat Format = TimestampFormat.Pattern("yyyy-MM-dd HH:mm:ss");

    /// <param name="bars">Bars per ticker; a negative number never ends.</param>
    public static Source<Tick, NotUsed> Create(int tickers, long bars, int seed) =>
        Source.FromEnumerator(() => Generate(tickers, bars, seed).GetEnumerator());

    /// <summary>The same feed made <paramref name="batchSize"/> bars at a time, each batch one element of the stream, as a feed that reads many records at once hands them over.</summary>
    /// <param name="bars">Bars per ticker; a negative number never ends.</param>
    public static Source<RecordBatch, NotUsed> Batches(int tickers, long bars, int seed, int batchSize = RecordBatches.DefaultSize) =>
        RecordBatches.Made(() => Generate(tickers, bars, seed), batchSize);

    public static IEnumerable<Tick> Generate(int tickers, long bars, int seed)
    {
        var random = new FastRandom(seed);
        var ids = Enumerable.Range(0, tickers).Select(i => $"T{i:D4}").ToArray();
        var price = Enumerable.Range(0, tickers).Select(_ => 20 + 180 * random.NextDouble()).ToArray();
        var logVol = Enumerable.Range(0, tickers).Select(_ => Math.Log(0.001 + 0.002 * random.NextDouble())).ToArray();
        var start = new DateTime(2024, 1, 2, 9, 30, 0);
        long offset = 0;
        for (long bar = 0; bars < 0 || bar < bars; bar++)
        {
            var time = start.AddMinutes(bar);
            string raw = Format.Format(time);
            for (int i = 0; i < tickers; i++)
            {
                // Two normals from one Box-Muller pair: the volatility's own shock and the bar's return.
                var (volShock, ret) = random.GaussianPair();
                if (random.NextDouble() < 0.001) logVol[i] = Math.Log(0.0005 + 0.004 * random.NextDouble());
                logVol[i] = -6.5 + 0.98 * (logVol[i] + 6.5) + 0.1 * volShock;
                double sigma = Math.Exp(logVol[i]);
                double open = price[i];
                double close = price[i] = open * Math.Exp(sigma * ret);
                // The bar's range beyond open and close: a fraction of sigma, as intrabar excursions give.
                double high = Math.Max(open, close) * (1 + sigma * 0.8 * random.NextDouble());
                double low = Math.Min(open, close) * (1 - sigma * 0.8 * random.NextDouble());
                yield return new Tick(ids[i], time, raw, [(float)open, (float)high, (float)low, (float)close], offset++, Format, Stopwatch.GetTimestamp());
            }
        }
    }
}
