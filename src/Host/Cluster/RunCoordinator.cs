using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Event;
using Akka.Hosting;
using RnnStream.Actors.Pipeline;
using RnnStream.Actors.Protocol;
using RnnStream.Actors.Training;
using RnnStream.Host.Configuration;
using RnnStream.Host.Running;
using Spectre.Console;

namespace RnnStream.Host.Cluster;

/// <summary>
/// The cluster singleton that runs the deployment's feed: the router stage, the output and the
/// results live here, the key groups wherever sharding placed them. When a replay's feed ends it
/// writes the results, says where the key groups ran, and has every member leave, so the nodes
/// exit 0 (a replay on a cluster is a job that ends).
/// </summary>
public sealed class RunCoordinator : ReceiveActor
{
    private readonly ILoggingAdapter _log = Context.GetLogger();

    /// <summary>Kept: the trainer's hooks run off this actor's thread, where Context is not to be used.</summary>
    private readonly ActorSystem _system = Context.System;

    public RunCoordinator(RnnStreamNode node)
    {
        ReceiveAsync<Start>(async _ =>
        {
            if (node.Finished) return;
            var region = await ActorRegistry.For(Context.System).GetAsync<KeyGroupRegion>();
            await WaitForRegions(region, node.MinNodes);
            await RunAsync(node, region);
        });
    }

    public static Props Props(RnnStreamNode node) => Akka.Actor.Props.Create(() => new RunCoordinator(node));

    private IEnumerable<ActorSelection> NodeControls() => Akka.Cluster.Cluster.Get(_system).State.Members
        .Select(member => _system.ActorSelection(new RootActorPath(member.Address) / "user" / NodeControl.Name));

    /// <summary>Every node's windows before the cutoff; the newest of their union, as one node's buffer would have kept them.</summary>
    private async Task<IReadOnlyList<TrainingWindow>> GatherWindows(DateTime? cutoff, int capacity)
    {
        var replies = await Task.WhenAll(NodeControls().Select(node => node.Ask<WindowsReply>(new WindowsRequest(cutoff), TimeSpan.FromMinutes(1))));
        var merged = new ReplayBuffer(capacity);
        foreach (var window in replies.SelectMany(reply => reply.Windows)) merged.Add(window);
        return merged.Snapshot();
    }

    /// <summary>A promoted version to every node's registry (its key groups wait for it where it has not arrived yet).</summary>
    private void Publish(Model.Weights.ModelWeights weights)
    {
        var promoted = Actors.Persistence.WeightsPromoted.Of(weights);
        foreach (var node in NodeControls()) node.Tell(promoted);
    }

    /// <summary>Key groups are placed on their first message: first let every node's region register, so they spread over all of them.</summary>
    private static async Task WaitForRegions(IActorRef region, int nodes)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(1);
        while (DateTime.UtcNow < deadline)
        {
            var regions = await region.Ask<CurrentRegions>(GetCurrentRegions.Instance, TimeSpan.FromSeconds(10));
            if (regions.Regions.Count >= nodes) return;
            await Task.Delay(200);
        }
        throw new TimeoutException($"fewer than {nodes} nodes' key-group regions registered within a minute");
    }

    private sealed class Start
    {
        public static readonly Start Instance = new();
    }

    protected override void PreStart() => Self.Tell(Start.Instance);

    private async Task RunAsync(RnnStreamNode node, IActorRef region)
    {
        var deployment = node.Deployment;
        var console = node.Console;
        try
        {
            var system = Context.System;
            var feed = FeedFactory.Open(system, deployment);
            var spec = deployment.Spec(feed.Features.Count, feed.Targets.Count);
            var (settings, training) = DeploymentPipeline.Settings(deployment, feed, replayableFeed: deployment.FeedType != "tcp");
            console.MarkupLine($"[bold]rnnstream[/] coordinating {Markup.Escape(feed.Description)} on {Akka.Cluster.Cluster.Get(system).SelfAddress}: " +
                $"{settings.Router.Partitions} key groups sharded over the cluster, {spec.ParameterCount:N0} parameters; {Markup.Escape(training)}");
            var run = LivePipeline.Run(system, feed.Records, DeploymentPipeline.InitialWeights(deployment, spec), settings,
                OutputFactory.Predictions(system, deployment), OutputFactory.Quarantine(deployment),
                keyGroups: KeyGroups.Sharded(region, settings.Router.Partitions), shared: new SharedTraining(cutoff => GatherWindows(cutoff, settings.ReplayCapacity), Publish));
            await run.Completion;
            RunCommand.WriteResults(console, deployment, run);
            var stats = await region.Ask<ClusterShardingStats>(new GetClusterShardingStats(TimeSpan.FromSeconds(10)), TimeSpan.FromSeconds(15));
            console.MarkupLine("key groups per node: " + string.Join(", ", stats.Regions.OrderBy(r => r.Key.Port)
                .Select(r => $"{r.Key.Host}:{r.Key.Port} {r.Value.Stats.Count}")));
            console.MarkupLine("run finished");
        }
        catch (Exception e)
        {
            _log.Error(e, "the run failed");
            console.MarkupLine($"[red]rnnstream: the run stopped: {Markup.Escape(e.GetBaseException().Message)}[/]");
            node.Failed = true;
        }
        // Every node hears the run is over before any leaves; then all leave, and each node's CoordinatedShutdown ends its process.
        var cluster = Akka.Cluster.Cluster.Get(Context.System);
        var members = cluster.State.Members.Select(m => m.Address).ToList();
        await Task.WhenAll(members.Select(async address =>
        {
            try
            {
                await Context.System.ActorSelection(new RootActorPath(address) / "user" / NodeControl.Name).Ask<string>(NodeControl.RunFinished, TimeSpan.FromSeconds(10));
            }
            catch (AskTimeoutException)
            {
                _log.Warning("node {0} did not hear that the run finished; it may start it again", address);
            }
        }));
        foreach (var address in members.Where(a => !a.Equals(cluster.SelfAddress))) cluster.Leave(address);
        cluster.Leave(cluster.SelfAddress);
    }
}
