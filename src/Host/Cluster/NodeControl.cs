using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Streams;
using Akka.Streams.Dsl;
using RnnStream.Actors.Persistence;
using RnnStream.Actors.Protocol;
using RnnStream.Actors.Training;
using RnnStream.Feeds.Sources;
using RnnStream.Host.Configuration;
using RnnStream.Model.Weights;

namespace RnnStream.Host.Cluster;

/// <summary>
/// Each node's mailbox for the cluster's own business (at <c>/user/node-control</c>): the trainer
/// asks it for this node's training windows; it subscribes to the <see cref="WeightsTopic"/>, where
/// the trainer publishes every promoted weights version (key groups waiting for that version go
/// on once it is in the node's registry); before a run starts,
/// or starts again from a checkpoint, the coordinator resets its weights and windows; and when a replay
/// has finished, the coordinator tells every node before the members leave, so the singleton
/// does not start the run again on the next oldest node as the first one goes. On a socket feed,
/// each reset (re)starts this node's listener toward the coordinator's stream, and the
/// coordinator's control actor hands each listener a stream reference into it.
/// </summary>
public sealed class NodeControl : ReceiveActor
{
    public const string Name = "node-control";

    /// <summary>A plain string, so it needs no serializer of ours.</summary>
    public const string RunFinished = "rnnstream:run-finished";

    /// <summary>The run stopped without finishing (it failed, or its coordinating node was lost): every node exits 1.</summary>
    public const string RunStopped = "rnnstream:run-stopped";

    /// <summary>A member stopping gracefully asks every other node for a drain to a checkpoint; the coordinator's node answers <see cref="Drained"/> and the checkpoint's number, the others <see cref="NotCoordinating"/>.</summary>
    public const string Leaving = "rnnstream:leaving";

    public const string Drained = "rnnstream:drained:";
    public const string NotDrained = "rnnstream:not-drained";
    public const string NotCoordinating = "rnnstream:not-coordinating";

    /// <summary>The distributed pub/sub topic of promoted weights versions; each node's control actor is its one subscriber.</summary>
    public const string WeightsTopic = "rnnstream-weights";

    /// <summary>Asks a node for its <see cref="ModelAgreement"/> description (answered as a plain string).</summary>
    public const string ModelQuery = "rnnstream:model-query";

    /// <summary>Published by the coordinator before a run's first tick; each node answers <see cref="TopicHeard"/> directly.</summary>
    public const string TopicProbe = "rnnstream:weights-topic-probe";

    public const string TopicHeard = "rnnstream:weights-topic-heard";

    /// <summary>A node's TCP listener asks the coordinating node where to send the lines it takes in; the answer is a stream reference, or <see cref="NoTcpIngress"/>.</summary>
    public const string TcpIngress = "rnnstream:tcp-ingress";

    public const string NoTcpIngress = "rnnstream:no-tcp-ingress";

    public NodeControl(RnnStreamNode node)
    {
        var registry = node.KeyGroups.Registry;
        var ingress = node.Deployment.FeedType == "tcp" ? new NodeTcpIngress(Context.System, node) : null;
        DistributedPubSub.Get(Context.System).Mediator.Tell(new Subscribe(WeightsTopic, Self));
        Receive<SubscribeAck>(_ => { });
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
            if (node.Service is { Run: null } service && !node.Coordinating)
                service.Joined(Actors.Pipeline.KeyGroups.Sharded(Akka.Hosting.ActorRegistry.For(Context.System).Get<KeyGroupRegion>(), node.Deployment.Router.Partitions),
                    $"cluster node {Akka.Cluster.Cluster.Get(Context.System).SelfAddress}");
            // Every attempt of the run: the listener's lines go to this attempt's stream (a rollback closed the last one's connections).
            if (ingress is not null && !node.Coordinating) _ = ingress.ListenForAsync(SenderNode());
            Sender.Tell(NodeReset.Done);
        });
        Receive<string>(message => message == TcpIngress, _ =>
        {
            if (node.OtherNodesArrivals is not { } arrivals)
            {
                Sender.Tell(NoTcpIngress);
                return;
            }
            var materializer = Context.System.Materializer();
            async Task<object> Offer() => await StreamRefs.SinkRef<TcpArrivals>().To(await arrivals).Run(materializer);
            Offer().PipeTo(Sender);
        });
        Receive<string>(message => message == ModelQuery, _ => Sender.Tell(node.Model));
        Receive<string>(message => message == TopicProbe, _ => Sender.Tell(TopicHeard));
        Receive<string>(message => message == TopicHeard, _ => node.HeardOnWeightsTopic[SenderNode()] = true);
        Receive<string>(message => message == Leaving, _ =>
        {
            if (!node.Coordinating || !node.Leaves.Writer.TryWrite(new LeaveRequest(SenderNode(), Sender))) Sender.Tell(NotCoordinating);
        });
        Receive<string>(message => message is RunFinished or RunStopped, message =>
        {
            node.Finished = true;
            if (message == RunStopped && !node.StoppedByOperator) node.Failed = true;
            Sender.Tell(message);
        });
    }

    /// <summary>The member the current message came from; this node's own messages come from a local path, which names no host.</summary>
    private Address SenderNode() => Sender.Path.Address.HasGlobalScope ? Sender.Path.Address : Akka.Cluster.Cluster.Get(Context.System).SelfAddress;

    public static Props Props(RnnStreamNode node) => Akka.Actor.Props.Create(() => new NodeControl(node));
}
