using Akka.Actor;

namespace RnnStream.Host.Cluster;

/// <summary>
/// Each node's mailbox for the cluster's own news (at <c>/user/node-control</c>): when a replay
/// has finished, the coordinator tells every node before the members leave, so the singleton
/// does not start the run again on the next oldest node as the first one goes.
/// </summary>
public sealed class NodeControl : ReceiveActor
{
    public const string Name = "node-control";

    /// <summary>A plain string, so it needs no serializer of ours.</summary>
    public const string RunFinished = "rnnstream:run-finished";

    public NodeControl(RnnStreamNode node)
    {
        Receive<string>(message => message == RunFinished, _ =>
        {
            node.Finished = true;
            Sender.Tell(RunFinished);
        });
    }

    public static Props Props(RnnStreamNode node) => Akka.Actor.Props.Create(() => new NodeControl(node));
}
