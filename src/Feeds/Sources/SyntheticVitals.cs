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

    /// <summary>
    /// The same feed made <paramref name="batchSize"/> readings at a time, each batch one element of
    /// the stream, as a feed that reads many records at once hands them over. The batches come from
    /// a pool and are made again in place once the stream is done with them.
    /// </summary>
    public static Source<RecordBatch, NotUsed> Batches(int patients, long readings, int seed, int batchSize = RecordBatches.DefaultSize) =>
        Source.FromEnumerator(() => new VitalsWalk(patients, readings, seed).Batches(new RecordBatchPool(batchSize), batchSize).GetEnumerator());

    public static IEnumerable<Tick> Generate(int patients, long readings, int seed)
    {
        // A walk of its own each time it is walked, from the start.
        foreach (var tick in new VitalsWalk(patients, readings, seed).Ticks()) yield return tick;
    }
}
