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

    /// <param name="bars">Bars per ticker; a negative number never ends.</param>
    public static Source<Tick, NotUsed> Create(int tickers, long bars, int seed) =>
        Source.FromEnumerator(() => Generate(tickers, bars, seed).GetEnumerator());

    /// <summary>
    /// The same feed made <paramref name="batchSize"/> bars at a time, each batch one element of the
    /// stream, as a feed that reads many records at once hands them over. The batches come from a
    /// pool and are made again in place once the stream is done with them.
    /// </summary>
    /// <param name="bars">Bars per ticker; a negative number never ends.</param>
    /// <param name="pool">The pool to make the batches of; null for one of its own.</param>
    public static Source<RecordBatch, NotUsed> Batches(int tickers, long bars, int seed, int batchSize = RecordBatches.DefaultSize, RecordBatchPool? pool = null) =>
        Source.FromEnumerator(() => new PriceWalk(tickers, bars, seed).Batches(pool ?? new RecordBatchPool(batchSize), batchSize).GetEnumerator());

    public static IEnumerable<Tick> Generate(int tickers, long bars, int seed)
    {
        // A walk of its own each time it is walked, from the start.
        foreach (var tick in new PriceWalk(tickers, bars, seed).Ticks()) yield return tick;
    }
}
