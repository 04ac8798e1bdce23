using Akka;
using Akka.Actor;
using Akka.IO;
using Akka.Streams.Dsl;
using RnnStream.Feeds.Records;

namespace RnnStream.Feeds.Sinks;

/// <summary>Sends predictions as JSON lines to a TCP listener (a dashboard, another service).</summary>
public static class TcpPredictionSink
{
    public static Sink<Prediction, NotUsed> Create(ActorSystem system, string host, int port) =>
        Flow.Create<Prediction>()
            .Select(p => ByteString.FromString(PredictionFormats.ToJson(p) + "\n"))
            .Via(system.TcpStream().OutgoingConnection(host, port))
            .To(Sink.Ignore<ByteString>());
}
