using Akka;
using Akka.Streams.Dsl;
using RnnStream.Feeds.Records;

namespace RnnStream.Feeds.Sinks;

/// <summary>
/// The stream's batches taken apart, a prediction an element, for what takes them one at a time
/// (a hub an embedding application reads, a test's probe). It costs again what batches save, so
/// the outputs of a run take batches.
/// </summary>
public static class Unbatched
{
    public static Flow<PredictionBatch, Prediction, NotUsed> Predictions { get; } = Flow.Create<PredictionBatch>().SelectMany(batch => batch);

    public static Sink<PredictionBatch, TMat> Into<TMat>(Sink<Prediction, TMat> sink) => Predictions.ToMaterialized(sink, Keep.Right);
}
