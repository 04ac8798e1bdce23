using Akka.Configuration;

namespace RnnStream.Actors.Pipeline;

/// <summary>The Akka settings the pipeline relies on; merged into any actor system that runs it.</summary>
public static class PipelineConfig
{
    /// <summary>
    /// One pinned thread for training, so a retrain never takes a series actor's thread; MathNet
    /// and the trainer are single-threaded, so two cores stay shared between stream and actors.
    /// The key-group protocol goes through our own serializer wherever it crosses a node.
    /// </summary>
    public const string Hocon = """
        rnnstream.trainer-dispatcher {
          type = PinnedDispatcher
        }
        akka.actor.default-dispatcher.throughput = 64
        akka.actor {
          serializers.rnnstream-protocol = "RnnStream.Actors.Protocol.ProtocolSerializer, RnnStream.Actors"
          serialization-bindings {
            "RnnStream.Actors.Protocol.KeyGroupTicks, RnnStream.Actors" = rnnstream-protocol
            "RnnStream.Actors.Protocol.KeyGroupAnswers, RnnStream.Actors" = rnnstream-protocol
            "RnnStream.Actors.Protocol.KeyGroupFailed, RnnStream.Actors" = rnnstream-protocol
            "RnnStream.Actors.Protocol.AnswerTo, RnnStream.Actors" = rnnstream-protocol
            "RnnStream.Actors.Protocol.WindowsRequest, RnnStream.Actors" = rnnstream-protocol
            "RnnStream.Actors.Protocol.WindowsReply, RnnStream.Actors" = rnnstream-protocol
            "RnnStream.Actors.Protocol.StoreKeyGroup, RnnStream.Actors" = rnnstream-protocol
            "RnnStream.Actors.Protocol.KeyGroupStored, RnnStream.Actors" = rnnstream-protocol
            "RnnStream.Actors.Protocol.RestoreKeyGroup, RnnStream.Actors" = rnnstream-protocol
            "RnnStream.Actors.Protocol.KeyGroupRestored, RnnStream.Actors" = rnnstream-protocol
            "RnnStream.Actors.Protocol.NodeReset, RnnStream.Actors" = rnnstream-protocol
            "RnnStream.Actors.Protocol.SeriesQuery, RnnStream.Actors" = rnnstream-protocol
            "RnnStream.Actors.Protocol.SeriesUnknown, RnnStream.Actors" = rnnstream-protocol
            "RnnStream.Actors.Protocol.SeriesStatus, RnnStream.Actors" = rnnstream-protocol
            "RnnStream.Actors.Series.SeriesPartition+CountSeries, RnnStream.Actors" = rnnstream-protocol
            "RnnStream.Actors.Series.SeriesPartition+SeriesCounts, RnnStream.Actors" = rnnstream-protocol
            "RnnStream.Feeds.Sources.TcpArrivals, RnnStream.Feeds" = rnnstream-protocol
          }
        }
        """;

    public static Config Config => ConfigurationFactory.ParseString(Hocon);
}
