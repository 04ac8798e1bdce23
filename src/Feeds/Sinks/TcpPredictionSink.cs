using Akka;
using Akka.Actor;
using Akka.IO;
using Akka.Streams.Dsl;
using RnnStream.Feeds.Records;

namespace RnnStream.Feeds.Sinks;

/// <summary>
/// Sends predictions as JSON lines to a TCP listener (a dashboard, another service). It reads each
/// prediction last (the bytes are a copy), so it gives it back to its pool once formatted.
/// </summary>
public static class TcpPredictionSink
{
    public static Sink<Prediction, NotUsed> Create(ActorSystem system, string host, int port) =>
        Flow.Create<Prediction>()
            .Select(prediction =>
            {
                var line = ByteString.FromString(PredictionFormats.ToJson(prediction) + "\n");
                prediction.Release();
                return line;
            })
            .Via(system.TcpStream().OutgoingConnection(host, port))
            .To(Sink.Ignore<ByteString>());
}
