using Akka.Actor;

namespace RnnStream.Feeds.Sources;

/// <summary>
/// A connection's way back as an actor, so that a node whose stream gives the connection's lines
/// their feed positions can ack and answer a client of another node: it takes UTF-8 bytes and
/// appends them to the connection's <see cref="ConnectionWriter"/> as one write.
/// Senders on the writer's own node append to the writer directly (<see cref="LineRun.Writer"/>),
/// without a message. An empty write says every line of the connection has had its reply (the
/// writer sends what waits and ends); a success status ends the actor once the connection has closed.
/// </summary>
internal sealed class ConnectionWriterActor(ConnectionWriter writer) : UntypedActor
{
    public static Props Props(ConnectionWriter writer) => Akka.Actor.Props.Create(() => new ConnectionWriterActor(writer));

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case byte[] { Length: 0 }:
                // Every line of the connection has had its reply: what waits is sent, then the connection may close.
                writer.Complete();
                break;
            case byte[] bytes:
                writer.Append(bytes);
                break;
            case Status.Success:
                writer.Complete();
                Context.Stop(Self);
                break;
            default:
                Unhandled(message);
                break;
        }
    }
}
