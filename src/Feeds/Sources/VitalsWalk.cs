namespace RnnStream.Feeds.Sources;

/// <summary>
/// The walk behind <see cref="SyntheticVitals"/>: one reading per patient per minute, from a
/// patient's baseline, a daily rhythm, noise, occasional events and the ward's rounds.
/// </summary>
public sealed class VitalsWalk : SyntheticWalk
{
    private static readonly int[] RoundHours = [8, 14, 20];
    private readonly FastRandom _random;
    private readonly double[] _baseHr, _baseBp, _phase, _gain;
    private readonly double[] _hrNoise, _bpNoise, _tachycardia, _fever;
    private double _day, _round;

    /// <param name="readings">Readings per patient; a negative number never ends.</param>
    public VitalsWalk(int patients, long readings, int seed) : base(Ids("P", patients), readings, new DateTime(2024, 3, 1, 0, 0, 0), 3)
    {
        _random = new FastRandom(seed);
        _baseHr = Enumerable.Range(0, patients).Select(_ => 60 + 25 * _random.NextDouble()).ToArray();
        _baseBp = Enumerable.Range(0, patients).Select(_ => 110 + 25 * _random.NextDouble()).ToArray();
        _phase = Enumerable.Range(0, patients).Select(_ => 0.3 * _random.Gaussian()).ToArray();
        _gain = Enumerable.Range(0, patients).Select(_ => 0.5 + _random.NextDouble()).ToArray();
        _hrNoise = new double[patients];
        _bpNoise = new double[patients];
        _tachycardia = new double[patients];
        _fever = new double[patients];
    }

    protected override void Begin(DateTime minute)
    {
        _day = 2 * Math.PI * (minute.TimeOfDay.TotalHours - 4) / 24;
        _round = RoundResponse(minute);
    }

    /// <summary>The reading's heart rate, systolic blood pressure and temperature.</summary>
    protected override void Write(int i, Span<float> values)
    {
        if (_random.NextDouble() < 1.0 / 2000) _tachycardia[i] = 1;
        if (_random.NextDouble() < 1.0 / 8000) _fever[i] = 1;
        _tachycardia[i] *= 0.97;
        _fever[i] *= 0.995;
        _hrNoise[i] = 0.4 * _hrNoise[i] + 1.2 * _random.Gaussian();
        _bpNoise[i] = 0.4 * _bpNoise[i] + 1.5 * _random.Gaussian() + 0.3 * _hrNoise[i];
        double rhythm = -Math.Cos(_day + _phase[i]);
        values[0] = (float)(_baseHr[i] + 8 * rhythm + _hrNoise[i] + 35 * _tachycardia[i] + 12 * _fever[i] + 14 * _gain[i] * _round);
        values[1] = (float)(_baseBp[i] + 7 * rhythm + _bpNoise[i] + 18 * _tachycardia[i] + 10 * _gain[i] * _round);
        values[2] = (float)(36.7 + 0.35 * rhythm + 0.08 * _random.Gaussian() + 1.8 * _fever[i]);
    }

    /// <summary>The ward's response to its last round at this time: 0 before, rising to 1 a quarter of an hour after it, then settling (t/τ·e^(1−t/τ)).</summary>
    private static double RoundResponse(DateTime time)
    {
        double response = 0;
        foreach (int hour in RoundHours)
        {
            double minutes = (time.TimeOfDay - TimeSpan.FromHours(hour)).TotalMinutes;
            if (minutes is > 0 and < 240) response += minutes / 15 * Math.Exp(1 - minutes / 15);
        }
        return response;
    }
}
