using System.Diagnostics;
using RnnStream.Feeds.Records;

namespace RnnStream.Feeds.Sources;

/// <summary>
/// The walk behind <see cref="SyntheticVitals"/>: one reading per patient per minute, in time
/// order, each either a new tick or written into a pooled batch's tick, the same readings either way.
/// </summary>
public sealed class VitalsWalk
{
    private const int Features = 3;
    private static readonly TimestampFormat Format = TimestampFormat.Pattern("yyyy-MM-dd HH:mm:ss");
    private static readonly DateTime Start = new(2024, 3, 1, 0, 0, 0);
    private static readonly int[] RoundHours = [8, 14, 20];
    private readonly FastRandom _random;
    private readonly string[] _ids;
    private readonly double[] _baseHr, _baseBp, _phase, _gain;
    private readonly double[] _hrNoise, _bpNoise, _tachycardia, _fever;
    private readonly long _readings;
    private long _minute;
    private int _patient;
    private long _offset;
    private DateTime _time;
    private string _raw = "";
    private double _day, _round;

    /// <param name="readings">Readings per patient; a negative number never ends.</param>
    public VitalsWalk(int patients, long readings, int seed)
    {
        _random = new FastRandom(seed);
        _ids = Enumerable.Range(0, patients).Select(i => $"P{i:D4}").ToArray();
        _baseHr = Enumerable.Range(0, patients).Select(_ => 60 + 25 * _random.NextDouble()).ToArray();
        _baseBp = Enumerable.Range(0, patients).Select(_ => 110 + 25 * _random.NextDouble()).ToArray();
        _phase = Enumerable.Range(0, patients).Select(_ => 0.3 * _random.Gaussian()).ToArray();
        _gain = Enumerable.Range(0, patients).Select(_ => 0.5 + _random.NextDouble()).ToArray();
        _hrNoise = new double[patients];
        _bpNoise = new double[patients];
        _tachycardia = new double[patients];
        _fever = new double[patients];
        _readings = readings;
    }

    public bool Ended => _readings >= 0 && _minute >= _readings || _ids.Length == 0;

    /// <summary>The next reading as a new tick, stamped now for latency.</summary>
    public Tick Next()
    {
        var values = new float[Features];
        int patient = Step(values);
        return new Tick(_ids[patient], _time, _raw, values, _offset++, Format, Stopwatch.GetTimestamp());
    }

    /// <summary>Up to <paramref name="count"/> next readings (fewer only at the end) in a batch of <paramref name="pool"/>, its ticks made again in place.</summary>
    public RecordBatch NextBatch(RecordBatchPool pool, int count)
    {
        var batch = pool.Rent();
        for (int i = 0; i < count && !batch.IsFull && !Ended; i++)
        {
            var tick = batch.NextTick(Features);
            int patient = Step(tick.Values);
            // No text for the time: the pooled tick, and the pooled prediction made of it, stay free of new strings.
            tick.Refill(_ids[patient], _time, null, _offset++, Format, Stopwatch.GetTimestamp());
        }
        return batch;
    }

    /// <summary>Writes the next reading's heart rate, blood pressure and temperature; returns its patient.</summary>
    private int Step(Span<float> values)
    {
        if (Ended) throw new InvalidOperationException("the walk has ended");
        if (_patient == 0)
        {
            _time = Start.AddMinutes(_minute);
            _raw = Format.Format(_time);
            _day = 2 * Math.PI * (_time.TimeOfDay.TotalHours - 4) / 24;
            _round = RoundResponse(_time);
        }
        int i = _patient;
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
        if (++_patient == _ids.Length)
        {
            _patient = 0;
            _minute++;
        }
        return i;
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
