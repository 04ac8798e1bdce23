using Akka.Actor;
using RnnStream.Actors.Persistence;
using RnnStream.Actors.Protocol;
using RnnStream.Actors.Training;
using RnnStream.Model.Weights;

namespace RnnStream.Host.Cluster;

/// <summary>
/// Each node's mailbox for the cluster's own business (at <c>/user/node-control</c>): the trainer
/// asks it for this node's training windows and sends it every promoted weights version (key
/// groups waiting for that version go on once it is in the node's registry); before a run starts,
/// or starts again from a checkpoint, the coordinator resets its weights and windows; and when a replay
/// has finished, the coordinator tells every node before the members leave, so the singleton
/// does not start the run again on the next oldest node as the first one goes.
/// </summary>
public sealed class NodeControl : ReceiveActor
{
    public const string Name = "node-control";

    /// <summary>A plain string, so it needs no serializer of ours.</summary>
    public const string RunFinished = "rnnstream:run-finished";

    /// <summary>The run stopped without finishing (it failed, or its coordinating node was lost): every node exits 1.</summary>
    public const string RunStopped = "rnnstream:run-stopped";

    public NodeControl(RnnStreamNode node)
    {
        var registry = node.KeyGroups.Registry;
        Receive<WindowsRequest>(request => Sender.Tell(new WindowsReply(node.KeyGroups.Replay.Snapshot(request.Cutoff))));
        Receive<WeightsPromoted>(promoted =>
        {
            if (promoted.Version <= registry.Version) return;
            using var bytes = new MemoryStream(promoted.Weights);
            registry.Promote(ModelWeightsSerializer.Read(bytes));
            Context.System.EventStream.Publish(new WeightsArrived(promoted.Version));
        });
        Receive<NodeReset>(reset =>
        {
            node.RunStarted = true;
            using (var bytes = new MemoryStream(reset.Weights)) registry.Reset(ModelWeightsSerializer.Read(bytes));
            node.KeyGroups.Replay.Replace(reset.Windows);
            Sender.Tell(NodeReset.Done);
        });
        Receive<string>(message => message is RunFinished or RunStopped, message =>
        {
            node.Finished = true;
            if (message == RunStopped) node.Failed = true;
            Sender.Tell(message);
        });
    }

    public static Props Props(RnnStreamNode node) => Akka.Actor.Props.Create(() => new NodeControl(node));
}
