using System.Text;
using Akka;
using Akka.Actor;
using Akka.IO;
using Akka.Streams.Dsl;
using RnnStream.Feeds.Records;

namespace RnnStream.Feeds.Sinks;

/// <summary>Sends predictions as JSON lines to a TCP listener (a dashboard, another service).</summary>
public static class TcpPredictionSink
{
    /// <summary>A batch's lines go out as one write.</summary>
    public static Sink<PredictionBatch, NotUsed> Create(ActorSystem system, string host, int port) =>
        Flow.Create<PredictionBatch>()
            .Select(Lines)
            .Via(system.TcpStream().OutgoingConnection(host, port))
            .To(Sink.Ignore<ByteString>());

    private static ByteString Lines(PredictionBatch batch)
    {
        var lines = new StringBuilder();
        foreach (var prediction in batch) lines.Append(PredictionFormats.ToJson(prediction)).Append('\n');
        return ByteString.FromString(lines.ToString());
    }
}
