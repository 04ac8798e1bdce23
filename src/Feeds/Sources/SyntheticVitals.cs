using System.Diagnostics;
using Akka;
using Akka.Streams.Dsl;
using RnnStream.Feeds.Records;

namespace RnnStream.Feeds.Sources;

/// <summary>
/// A seeded vitals feed of N patients, one reading a minute (D = 3): heart rate, systolic blood
/// pressure and temperature. Each has a patient's own baseline, a daily rhythm (lowest in the early
/// morning), noise that returns to the patient's set point within minutes, and occasional events
/// (tachycardia with a pressure rise, fever) that build up and fade over tens of minutes to hours.
/// The ward's rounds at 08:00, 14:00 and 20:00 (medication, meals) move every patient alike: heart
/// rate and pressure rise for about a quarter of an hour and settle over the next hour, by a
/// patient's own gain. That shared response, the rhythm and the return to the set point are what a
/// model can learn and persistence cannot.
/// </summary>
public static class SyntheticVitals
{
    public static readonly string[] Features = ["heart_rate", "blood_pressure", "temperature"];
    private static readonly TimestampFormat Format = TimestampFormat.Pattern("yyyy-MM-dd HH:mm:ss");

    /// <summary>The same feed made <paramref name="batchSize"/> readings at a time, each batch one element of the stream, as a feed that reads many records at once hands them over.</summary>
    public static Source<RecordBatch, NotUsed> Batches(int patients, long readings, int seed, int batchSize = RecordBatches.DefaultSize) =>
        RecordBatches.Made(() => Generate(patients, readings, seed), batchSize);

    public static IEnumerable<Tick> Generate(int patients, long readings, int seed)
    {
        var random = new FastRandom(seed);
        var ids = Enumerable.Range(0, patients).Select(i => $"P{i:D4}").ToArray();
        var baseHr = Enumerable.Range(0, patients).Select(_ => 60 + 25 * random.NextDouble()).ToArray();
        var baseBp = Enumerable.Range(0, patients).Select(_ => 110 + 25 * random.NextDouble()).ToArray();
        var phase = Enumerable.Range(0, patients).Select(_ => 0.3 * random.Gaussian()).ToArray();
        var gain = Enumerable.Range(0, patients).Select(_ => 0.5 + random.NextDouble()).ToArray();
        var hrNoise = new double[patients];
        var bpNoise = new double[patients];
        var tachycardia = new double[patients];
        var fever = new double[patients];
        var start = new DateTime(2024, 3, 1, 0, 0, 0);
        long offset = 0;
        for (long minute = 0; readings < 0 || minute < readings; minute++)
        {
            var time = start.AddMinutes(minute);
            string raw = Format.Format(time);
            double day = 2 * Math.PI * (time.TimeOfDay.TotalHours - 4) / 24;
            double round = RoundResponse(time);
            for (int i = 0; i < patients; i++)
            {
                if (random.NextDouble() < 1.0 / 2000) tachycardia[i] = 1;
                if (random.NextDouble() < 1.0 / 8000) fever[i] = 1;
                tachycardia[i] *= 0.97;
                fever[i] *= 0.995;
                hrNoise[i] = 0.4 * hrNoise[i] + 1.2 * random.Gaussian();
                bpNoise[i] = 0.4 * bpNoise[i] + 1.5 * random.Gaussian() + 0.3 * hrNoise[i];
                double rhythm = -Math.Cos(day + phase[i]);
                double heartRate = baseHr[i] + 8 * rhythm + hrNoise[i] + 35 * tachycardia[i] + 12 * fever[i] + 14 * gain[i] * round;
                double pressure = baseBp[i] + 7 * rhythm + bpNoise[i] + 18 * tachycardia[i] + 10 * gain[i] * round;
                double temperature = 36.7 + 0.35 * rhythm + 0.08 * random.Gaussian() + 1.8 * fever[i];
                yield return new Tick(ids[i], time, raw, [(float)heartRate, (float)pressure, (float)temperature], offset++, Format, Stopwatch.GetTimestamp());
            }
        }
    }

    private static readonly int[] RoundHours = [8, 14, 20];

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
