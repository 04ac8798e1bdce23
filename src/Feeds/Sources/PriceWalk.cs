using System.Diagnostics;
using RnnStream.Feeds.Records;

namespace RnnStream.Feeds.Sources;

/// <summary>
/// The walk behind <see cref="SyntheticPrices"/>: one bar per ticker per minute, in time order,
/// each either a new tick or written into a pooled batch's tick, the same bars either way.
/// </summary>
public sealed class PriceWalk
{
    private const int Features = 4;
    private static readonly TimestampFormat Format = TimestampFormat.Pattern("yyyy-MM-dd HH:mm:ss");
    private static readonly DateTime Start = new(2024, 1, 2, 9, 30, 0);
    private readonly FastRandom _random;
    private readonly string[] _ids;
    private readonly double[] _price;
    private readonly double[] _logVol;
    private readonly long _bars;
    private long _bar;
    private int _ticker;
    private long _offset;
    private DateTime _time;
    private string _raw = "";

    /// <param name="bars">Bars per ticker; a negative number never ends.</param>
    public PriceWalk(int tickers, long bars, int seed)
    {
        _random = new FastRandom(seed);
        _ids = Enumerable.Range(0, tickers).Select(i => $"T{i:D4}").ToArray();
        _price = Enumerable.Range(0, tickers).Select(_ => 20 + 180 * _random.NextDouble()).ToArray();
        _logVol = Enumerable.Range(0, tickers).Select(_ => Math.Log(0.001 + 0.002 * _random.NextDouble())).ToArray();
        _bars = bars;
    }

    public bool Ended => _bars >= 0 && _bar >= _bars || _ids.Length == 0;

    /// <summary>The next bar as a new tick, stamped now (or not, 0) for latency.</summary>
    public Tick Next(bool stamp = true)
    {
        var values = new float[Features];
        int ticker = Step(values);
        return new Tick(_ids[ticker], _time, _raw, values, _offset++, Format, stamp ? Stopwatch.GetTimestamp() : 0);
    }

    /// <summary>Up to <paramref name="count"/> next bars (fewer only at the end) in a batch of <paramref name="pool"/>, its ticks made again in place.</summary>
    public RecordBatch NextBatch(RecordBatchPool pool, int count, bool stamp = true)
    {
        var batch = pool.Rent();
        for (int i = 0; i < count && !batch.IsFull && !Ended; i++)
        {
            var tick = batch.NextTick(Features);
            int ticker = Step(tick.Values);
            // No text for the time: the pooled tick, and the pooled prediction made of it, stay free of new strings.
            tick.Refill(_ids[ticker], _time, null, _offset++, Format, stamp ? Stopwatch.GetTimestamp() : 0);
        }
        return batch;
    }

    /// <summary>Writes the next bar's open, high, low and close; returns its ticker.</summary>
    private int Step(Span<float> values)
    {
        if (Ended) throw new InvalidOperationException("the walk has ended");
        if (_ticker == 0)
        {
            _time = Start.AddMinutes(_bar);
            _raw = Format.Format(_time);
        }
        int i = _ticker;
        // Two normals from one Box-Muller pair: the volatility's own shock and the bar's return.
        var (volShock, ret) = _random.GaussianPair();
        if (_random.NextDouble() < 0.001) _logVol[i] = Math.Log(0.0005 + 0.004 * _random.NextDouble());
        _logVol[i] = -6.5 + 0.98 * (_logVol[i] + 6.5) + 0.1 * volShock;
        double sigma = Math.Exp(_logVol[i]);
        double open = _price[i];
        double close = _price[i] = open * Math.Exp(sigma * ret);
        // The bar's range beyond open and close: a fraction of sigma, as intrabar excursions give.
        double high = Math.Max(open, close) * (1 + sigma * 0.8 * _random.NextDouble());
        double low = Math.Min(open, close) * (1 - sigma * 0.8 * _random.NextDouble());
        values[0] = (float)open;
        values[1] = (float)high;
        values[2] = (float)low;
        values[3] = (float)close;
        if (++_ticker == _ids.Length)
        {
            _ticker = 0;
            _bar++;
        }
        return i;
    }
}
