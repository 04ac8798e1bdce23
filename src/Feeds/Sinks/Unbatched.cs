using Akka.Streams.Dsl;
using RnnStream.Feeds.Records;

namespace RnnStream.Feeds.Sinks;

/// <summary>
/// The stream's batches taken apart for a sink that takes one prediction at a time (a hub an
/// embedding application reads, a test's probe). It costs again what batches save, so the outputs
/// of a run take batches.
/// </summary>
public static class Unbatched
{
    public static Sink<PredictionBatch, TMat> Into<TMat>(Sink<Prediction, TMat> sink) =>
        Flow.Create<PredictionBatch>().SelectMany(batch => batch).ToMaterialized(sink, Keep.Right);
}
