namespace RnnStream.Feeds.Sources;

/// <summary>
/// xorshift64* (Marsaglia, Vigna): a few nanoseconds a draw, seeded and reproducible. The synthetic
/// feeds use it so that a benchmark at full speed measures the pipeline, not the random numbers.
/// </summary>
internal sealed class FastRandom(int seed)
{
    private ulong _state = 0x9E3779B97F4A7C15UL ^ (ulong)(uint)seed * 0xBF58476D1CE4E5B9UL | 1;

    public ulong NextBits()
    {
        _state ^= _state >> 12;
        _state ^= _state << 25;
        _state ^= _state >> 27;
        return _state * 0x2545F4914F6CDD1DUL;
    }

    /// <summary>Uniform in [0, 1), 53 bits.</summary>
    public double NextDouble() => (NextBits() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Two independent standard normals (Box-Muller).</summary>
    public (double, double) GaussianPair()
    {
        double radius = Math.Sqrt(-2 * Math.Log(1 - NextDouble()));
        var (sin, cos) = Math.SinCos(2 * Math.PI * NextDouble());
        return (radius * cos, radius * sin);
    }

    public double Gaussian() => GaussianPair().Item1;
}
