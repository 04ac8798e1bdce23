namespace RnnStream.Feeds.Sources;

/// <summary>
/// The walk behind <see cref="SyntheticPrices"/>: one OHLC bar per ticker per minute from a log
/// random walk whose volatility itself wanders and now and then jumps to a new regime.
/// </summary>
public sealed class PriceWalk : SyntheticWalk
{
    private readonly FastRandom _random;
    private readonly double[] _price;
    private readonly double[] _logVol;

    /// <param name="bars">Bars per ticker; a negative number never ends.</param>
    public PriceWalk(int tickers, long bars, int seed) : base(Ids("T", tickers), bars, new DateTime(2024, 1, 2, 9, 30, 0), 4)
    {
        _random = new FastRandom(seed);
        _price = Enumerable.Range(0, tickers).Select(_ => 20 + 180 * _random.NextDouble()).ToArray();
        _logVol = Enumerable.Range(0, tickers).Select(_ => Math.Log(0.001 + 0.002 * _random.NextDouble())).ToArray();
    }

    /// <summary>The bar's open, high, low and close.</summary>
    protected override void Write(int i, Span<float> values)
    {
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
    }
}
