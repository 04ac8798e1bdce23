using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Cluster.Tools.PublishSubscribe;
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

    private readonly RnnStreamNode _node;

    public RunCoordinator(RnnStreamNode node)
    {
        _node = node;
        ReceiveAsync<Start>(async _ =>
        {
            if (node.Finished) return;
            if (node.RunStarted)
            {
                // The singleton moved: the node that coordinated the run is gone. Taking over in place left the shard coordinator's
                // moved singleton answering no region (measured: key groups of the lost node were never placed again), so the cluster
                // stops cleanly instead; started again, it resumes from the last committed checkpoint.
                node.Console.MarkupLine($"[red]rnnstream: the node that coordinated the run was lost; the cluster stops. Start its nodes again to resume from the last committed checkpoint" +
                    $"{(node.Deployment.DataDirectory is null ? " (none: without persistence.data-dir the run starts over)" : "")}.[/]");
                node.Failed = true;
                await EndClusterRun(NodeControl.RunStopped);
                return;
            }
            var region = await ActorRegistry.For(Context.System).GetAsync<KeyGroupRegion>();
            // A coordinator taking over from one that died starts with one node fewer than the cluster began with.
            var cluster = Akka.Cluster.Cluster.Get(Context.System);
            await WaitForRegions(region, Math.Min(node.MinNodes, cluster.State.Members.Count(m => m.Status == Akka.Cluster.MemberStatus.Up)));
            await RunAsync(node, region);
        });
    }

    public static Props Props(RnnStreamNode node) => Akka.Actor.Props.Create(() => new RunCoordinator(node));

    /// <summary>The nodes a run can count on (up and reachable), by their control actor.</summary>
    private IEnumerable<ActorSelection> NodeControls() => NodeAddresses().Select(NodeControlAt);

    /// <param name="joiningToo">Members not yet seen up here as well (joining, weakly up): the run may place key groups on them.</param>
    private IEnumerable<Address> NodeAddresses(bool joiningToo = false)
    {
        var state = Akka.Cluster.Cluster.Get(_system).State;
        return state.Members.Where(member => (member.Status == Akka.Cluster.MemberStatus.Up
                || joiningToo && member.Status is Akka.Cluster.MemberStatus.Joining or Akka.Cluster.MemberStatus.WeaklyUp)
            && !state.Unreachable.Contains(member)).Select(member => member.Address);
    }

    private ActorSelection NodeControlAt(Address address) => _system.ActorSelection(new RootActorPath(address) / "user" / NodeControl.Name);

    /// <summary>
    /// Every node's weights and replay buffer back to the run's starting point (only this node's
    /// buffer gets the windows: the trainer merges them all); then until this node's pub/sub mediator
    /// knows every node's subscription to the weights topic, since a version published before a
    /// node's subscription reached it by gossip would never arrive there, and its key groups would
    /// wait for it.
    /// </summary>
    private async Task ResetNodes(Model.Weights.ModelWeights weights, IReadOnlyList<TrainingWindow> windows)
    {
        var record = Actors.Persistence.WeightsPromoted.Of(weights).Weights;
        var self = Akka.Cluster.Cluster.Get(_system).SelfAddress;
        var nodes = NodeAddresses().ToList();
        await Task.WhenAll(nodes.Select(address => NodeControlAt(address).Ask<string>(
            new NodeReset(record, address.Equals(self) ? windows : []), TimeSpan.FromSeconds(30))));
        // A probe through the topic itself: each node's control actor answers it, so an answer means that node hears versions published here.
        var mediator = DistributedPubSub.Get(_system).Mediator;
        var control = await _system.ActorSelection($"/user/{NodeControl.Name}").ResolveOne(TimeSpan.FromSeconds(10));
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (nodes.Where(address => !_node.HeardOnWeightsTopic.ContainsKey(address)).ToList() is { Count: > 0 } silent)
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"{string.Join(", ", silent)} did not hear the weights topic within 30 s (its subscription never reached this node)");
            mediator.Tell(new Publish(NodeControl.WeightsTopic, NodeControl.TopicProbe), control);
            await Task.Delay(100);
        }
    }

    /// <summary>
    /// Every node up runs this node's model (<see cref="ModelAgreement"/>), or the run does not start:
    /// a node with another copy of the file or another config would forecast its key groups with
    /// another model, or fail on the first weights it is sent.
    /// </summary>
    private async Task RequireOneModel(RnnStreamNode node)
    {
        var self = Akka.Cluster.Cluster.Get(_system).SelfAddress;
        // Joining members too: the coordinator may start while another node the run will place key groups on is not yet seen up here.
        var answers = await Task.WhenAll(NodeAddresses(joiningToo: true).Where(address => !address.Equals(self))
            .Select(async address => (Address: address, Model: await NodeControlAt(address).Ask<string>(NodeControl.ModelQuery, TimeSpan.FromSeconds(30)))));
        var differing = answers.Select(answer => (answer.Address, Differences: ModelAgreement.Differences(node.Model, answer.Model)))
            .Where(other => other.Differences.Count > 0).ToList();
        if (differing.Count > 0)
            throw new InvalidOperationException(string.Join("; ", differing.Select(other =>
                $"node {other.Address} would run another model than this one ({self}): {string.Join(", ", other.Differences)}")) +
                ". Every node needs the same config and the same feed file (with auto keys, the same first ticks), or a shared store whose first run chose for all");
    }

    /// <summary>Every node's windows before the cutoff; the newest of their union, as one node's buffer would have kept them.</summary>
    private async Task<IReadOnlyList<TrainingWindow>> GatherWindows(DateTime? cutoff, int capacity)
    {
        var replies = await Task.WhenAll(NodeControls().Select(node => node.Ask<WindowsReply>(new WindowsRequest(cutoff), TimeSpan.FromMinutes(1))));
        var merged = new ReplayBuffer(capacity);
        foreach (var window in replies.SelectMany(reply => reply.Windows)) merged.Add(window);
        return merged.Snapshot();
    }

    /// <summary>A promoted version to every node's registry, by publish/subscribe (key groups wait for it where it has not arrived yet).</summary>
    private void Publish(Model.Weights.ModelWeights weights) =>
        DistributedPubSub.Get(_system).Mediator.Tell(new Publish(NodeControl.WeightsTopic, Actors.Persistence.WeightsPromoted.Of(weights)));

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

    /// <summary>
    /// One attempt at the run: from the last committed checkpoint (or the start), every node reset to
    /// it and every key group restored to it, wherever sharding places it now. If a member is lost
    /// meanwhile, the stream stops at once, and, once the cluster has removed the member, the caller
    /// tries again: a global rollback to the last commit, the feed rewound to its cut, the output cut
    /// back to its length. Without durable state there is nothing to roll back to: the run fails.
    /// </summary>
    /// <param name="previous">The loss the last attempt ended on: this attempt says when the stream flows again, and when a moved key group forecasts again.</param>
    /// <returns>The finished run; or, when it rolled back, the loss to start again after.</returns>
    private async Task<(RunHandle? Run, Failover? Loss)> RunUntilMemberLost(RnnStreamNode node, IActorRef region, int attempt, Failover? previous)
    {
        var deployment = node.Deployment;
        var console = node.Console;
        var system = _system;
        await RequireOneModel(node);
        var durability = deployment.DataDirectory is null ? null
            : await Actors.Persistence.Durability.OpenAsync(system, deployment.CheckpointEvery, TimeSpan.FromSeconds(30), deployment.CheckpointInterval);
        if (durability?.Last is { } last) RunCommand.CheckOutputContinues(deployment, last);
        // In the shared store: a node started later, or the cluster resumed on a grown file, chooses its auto keys as this first run did.
        if (attempt == 1) deployment.KeepBasis();
        var feed = FeedFactory.Open(system, deployment, otherNodesListen: true);
        node.OtherNodesArrivals = feed.OtherNodesArrivals;
        var spec = deployment.Spec(feed.Features.Count, feed.Targets.Count);
        var (settings, training) = DeploymentPipeline.Settings(deployment, feed, replayableFeed: deployment.FeedType != "tcp");
        // The nodes agree with each other (RequireOneModel); a whole cluster started again must agree with the state it resumes.
        if (attempt == 1) KeptModel.RequireSame(deployment, node.Model, resumed: durability?.IsResumed == true);
        var initial = DeploymentPipeline.InitialWeights(deployment, spec);
        var weights = durability?.Weights ?? initial;
        if (attempt == 1)
            console.MarkupLine($"[bold]rnnstream[/] coordinating {Markup.Escape(feed.Description)} on {Akka.Cluster.Cluster.Get(system).SelfAddress}: " +
                $"{settings.Router.Partitions} key groups sharded over the cluster, {spec.ParameterCount:N0} parameters; {Markup.Escape(training)}");
        if (durability?.Last is { } from)
            console.MarkupLine($"{(attempt == 1 ? "resuming from" : previous is { Graceful: true } ? "going on from" : "rolled back to")} checkpoint {from.Number}: feed row {from.NextOffset:N0}, {from.PredictionsWritten:N0} predictions written, weights v{from.WeightsVersion}");
        Action<Feeds.Records.Prediction>? tap = previous?.Watch(console, settings.Router.Partitions);
        if (node.Service is { } service) tap = tap.Then(service.Events.Tap);
        var batchTap = feed.Serve(durability, console, tap);
        var (output, commits) = durability is null ? (OutputFactory.Predictions(deployment, batchTap), null)
            : OutputFactory.Durable(deployment, durability.Last, batchTap);
        using var runEnded = new CancellationTokenSource();
        var lost = MemberLoss.WhenLost(Akka.Cluster.Cluster.Get(system), runEnded.Token);
        var run = LivePipeline.Run(system, feed.Batches, initial, settings, output, OutputFactory.Quarantine(deployment),
            durability: durability, outputCommits: commits,
            keyGroups: KeyGroups.Sharded(region, settings.Router.Partitions), shared: new SharedTraining(cutoff => GatherWindows(cutoff, settings.ReplayCapacity), Publish),
            // After the key groups: once each is restored it drops batches of an earlier attempt, which could otherwise add windows after the reset.
            afterRestore: () => ResetNodes(weights, durability?.Cut?.ReplayWindows ?? []));
        if (attempt == 1) KeptModel.Keep(deployment, node.Model);
        node.Service?.Started(run, $"{feed.Description} on a cluster");
        var placement = PlacementOnceFlowing(region, run, runEnded.Token);
        var leave = node.Leaves.Reader.ReadAsync(runEnded.Token).AsTask();
        Address? gone = null;
        try
        {
            while (true)
            {
                var first = await Task.WhenAny(run.Completion, lost, leave);
                if (first == run.Completion)
                {
                    await run.Completion;
                    return (run, null);
                }
                if (first == lost)
                {
                    gone = lost.Result.Address;
                    break;
                }
                if (durability is not null) return await DrainForLeave(node, run, durability, leave.Result, placement, settings.Router.Partitions);
                // Nothing to hand the key groups off with: the leave is a loss, and fails the run.
                leave.Result.ReplyTo.Tell(NodeControl.NotDrained);
                leave = node.Leaves.Reader.ReadAsync(runEnded.Token).AsTask();
            }
        }
        catch (Actors.Series.KeyGroupFailedException e) when (e.Message.Contains(Actors.Series.SeriesPartition.StartedWithoutState, StringComparison.Ordinal))
        {
            // A node is leaving (SIGTERM) and sharding handed its key groups to the others, which have none of their state: the same rollback as a loss.
            // Its hand-off runs before its leave is gossiped: wait to see which member goes, so the rollback starts after it has gone.
            gone = await LeavingMember(TimeSpan.FromSeconds(10));
        }
        finally
        {
            runEnded.Cancel();
        }

        string which = gone is null ? "a node" : $"node {gone}";
        if (durability is null)
            throw new InvalidOperationException($"{which} was lost with its key groups, and without persistence.data-dir there is no checkpoint to roll back to");
        var stopped = DateTime.UtcNow;
        console.MarkupLine($"{which} lost at {stopped:HH:mm:ss.fff} UTC: stopping the stream to roll back to the last committed checkpoint");
        run.Abort(new IOException($"{which} was lost"));
        IReadOnlySet<int> moved = placement.IsCompletedSuccessfully && gone is not null
            ? placement.Result.Where(home => home.Value.Equals(gone)).Select(home => home.Key).ToHashSet()
            : Enumerable.Range(0, settings.Router.Partitions).ToHashSet();
        try
        {
            await run.Completion;
        }
        catch (Exception)
        {
            // Expected: the abort's reason, or the key group's.
        }
        await durability.CloseAsync(TimeSpan.FromSeconds(30));
        await WaitUntilSettled();
        console.MarkupLine($"{which} removed after {(DateTime.UtcNow - stopped).TotalSeconds:N1} s; starting again from the last commit " +
            $"({moved.Count} key groups move: {string.Join(", ", moved)})");
        return (null, new Failover(stopped, moved));
    }

    /// <summary>
    /// A member is stopping gracefully: the stream drains (no new ticks, every one in flight forecast
    /// and written) and the run ends on a final checkpoint that holds every key group, the leaving
    /// member's too. Once that is committed the member may hand its key groups off and go; the next
    /// attempt restores them wherever sharding places them and goes on from the checkpoint's cut, the
    /// point where this attempt stopped, so no tick is forecast twice.
    /// </summary>
    private async Task<(RunHandle? Run, Failover? Loss)> DrainForLeave(RnnStreamNode node, RunHandle run, Actors.Persistence.Durability durability,
        LeaveRequest leave, Task<IReadOnlyDictionary<int, Address>> placement, int keyGroups)
    {
        var console = node.Console;
        var asked = DateTime.UtcNow;
        bool itself = leave.Member.Equals(Akka.Cluster.Cluster.Get(_system).SelfAddress);
        console.MarkupLine(itself ? "this node is stopping: draining the stream to a checkpoint"
            : $"node {leave.Member} is leaving: draining the stream to a checkpoint before its key groups hand off");
        run.Drain();
        await run.Completion;
        var last = await durability.SettleAsync(0, TimeSpan.FromSeconds(30));
        await durability.CloseAsync(TimeSpan.FromSeconds(30));
        long afterCut = run.Metrics.Predictions - (last?.PredictionsWritten ?? 0);
        console.MarkupLine($"drained to checkpoint {last?.Number ?? 0} in {(DateTime.UtcNow - asked).TotalSeconds:N2} s: {run.Metrics.Predictions:N0} predictions, " +
            $"{afterCut:N0} of them after its cut (forecast again after the restart)");
        string number = (last?.Number ?? 0).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var cluster = Akka.Cluster.Cluster.Get(_system);
        if (itself)
        {
            // The coordinator's own node is stopping. Every node hears that the run stopped before the answer lets this one's shutdown go on,
            // so the singleton, moving to the next oldest node, does not take it for a lost coordinator.
            console.MarkupLine($"[yellow]rnnstream: this node coordinates the run and is stopping: the cluster stops at checkpoint {number}. " +
                $"Start its nodes again to go on from there (nothing is forecast twice).[/]");
            await EndClusterRun(NodeControl.RunStopped);
            leave.ReplyTo.Tell(NodeControl.Drained + number);
            throw new CoordinatorStopped();
        }
        leave.ReplyTo.Tell(NodeControl.Drained + number);
        IReadOnlySet<int> moved = placement.IsCompletedSuccessfully
            ? placement.Result.Where(home => home.Value.Equals(leave.Member)).Select(home => home.Key).ToHashSet()
            : Enumerable.Range(0, keyGroups).ToHashSet();
        var deadline = DateTime.UtcNow + GracefulLeave.Patience;
        while (cluster.State.Members.Any(m => m.Address.Equals(leave.Member)) && DateTime.UtcNow < deadline) await Task.Delay(100);
        await WaitUntilSettled();
        console.MarkupLine($"node {leave.Member} left {(DateTime.UtcNow - asked).TotalSeconds:N1} s after it asked; going on from checkpoint {last?.Number ?? 0} " +
            $"({moved.Count} key groups move: {string.Join(", ", moved)})");
        return (null, new Failover(asked, moved) { Graceful = true });
    }

    /// <summary>Where sharding placed each key group (on their first batches): what a lost member held, so the next attempt can say when those forecast again.</summary>
    private static async Task<IReadOnlyDictionary<int, Address>> PlacementOnceFlowing(IActorRef region, RunHandle run, CancellationToken cancellation)
    {
        // A resumed run's count starts at its checkpoint's.
        long before = run.Metrics.Predictions;
        while (run.Metrics.Predictions == before) await Task.Delay(50, cancellation);
        var stats = await region.Ask<ClusterShardingStats>(new GetClusterShardingStats(TimeSpan.FromSeconds(5)), TimeSpan.FromSeconds(10), cancellation);
        return stats.Regions.SelectMany(r => r.Value.Stats.Keys.Select(shard => (KeyGroup: Actors.Protocol.KeyGroupExtractor.KeyGroupOf(shard), Home: r.Key)))
            .ToDictionary(home => home.KeyGroup, home => home.Home);
    }

    /// <summary>The first member seen leaving (or unreachable) within <paramref name="patience"/>; null if none.</summary>
    private async Task<Address?> LeavingMember(TimeSpan patience)
    {
        var cluster = Akka.Cluster.Cluster.Get(_system);
        var deadline = DateTime.UtcNow + patience;
        while (DateTime.UtcNow < deadline)
        {
            var state = cluster.State;
            if ((state.Unreachable.FirstOrDefault() ?? state.Members.FirstOrDefault(m => m.Status != Akka.Cluster.MemberStatus.Up)) is { } leaving) return leaving.Address;
            await Task.Delay(50);
        }
        return null;
    }

    /// <summary>
    /// Until every member is up and reachable again: the split-brain resolver downs an unreachable
    /// member after the cluster has been stable for a while, a leaving one goes once its hand-off is
    /// done; sharding places their key groups elsewhere only after that.
    /// </summary>
    private async Task WaitUntilSettled()
    {
        var cluster = Akka.Cluster.Cluster.Get(_system);
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (cluster.State.Unreachable.Count > 0 || cluster.State.Members.Any(m => m.Status != Akka.Cluster.MemberStatus.Up))
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException("the cluster's membership did not settle within 2 minutes (a member stayed unreachable or leaving); is the split-brain resolver on?");
            await Task.Delay(100);
        }
    }

    /// <summary>The coordinating node was stopped by its operator, and the run stopped at a checkpoint with it.</summary>
    private sealed class CoordinatorStopped : Exception;

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
            node.Coordinating = true;
            RunHandle? run = null;
            Failover? failover = null;
            for (int attempt = 1; run is null; attempt++) (run, failover) = await RunUntilMemberLost(node, region, attempt, failover);
            RunCommand.WriteResults(console, deployment, run);
            var stats = await region.Ask<ClusterShardingStats>(new GetClusterShardingStats(TimeSpan.FromSeconds(10)), TimeSpan.FromSeconds(15));
            console.MarkupLine("key groups per node: " + string.Join(", ", stats.Regions.OrderBy(r => r.Key.Port)
                .Select(r => $"{r.Key.Host}:{r.Key.Port} {r.Value.Stats.Count}")));
            var wire = Actors.Protocol.WireStats.Snapshot();
            if (wire.TickBatches > 0)
                console.MarkupLine($"across nodes: {wire.Ticks:N0} ticks in {wire.TickBatches:N0} batches (mean {(double)wire.Ticks / wire.TickBatches:N1} ticks, " +
                    $"{(double)wire.TickBytes / wire.Ticks:N0} bytes a tick) out, {wire.Answers:N0} predictions in {wire.AnswerBatches:N0} batches " +
                    $"({(double)wire.AnswerBytes / Math.Max(1, wire.Answers):N0} bytes a prediction) back; {(double)wire.Ticks / Math.Max(1, run.Metrics.Predictions):P0} of the run's ticks crossed a node");
            console.MarkupLine("run finished");
        }
        catch (CoordinatorStopped)
        {
            node.Coordinating = false;
            return;
        }
        catch (Exception e)
        {
            _log.Error(e, "the run failed");
            console.MarkupLine($"[red]rnnstream: the run stopped: {Markup.Escape(e.GetBaseException().Message)}[/]");
            node.Failed = true;
        }
        node.Coordinating = false;
        // A member that asked to leave after the last attempt began draining hears that there is nothing to wait for.
        while (node.Leaves.Reader.TryRead(out var late)) late.ReplyTo.Tell(NodeControl.NotDrained);
        await EndClusterRun(node.Failed ? NodeControl.RunStopped : NodeControl.RunFinished);
    }

    /// <summary>Every node hears the run is over (<paramref name="how"/>) before any leaves; then all leave, and each node's CoordinatedShutdown ends its process.</summary>
    private async Task EndClusterRun(string how)
    {
        var cluster = Akka.Cluster.Cluster.Get(Context.System);
        var members = cluster.State.Members.Select(m => m.Address).ToList();
        await Task.WhenAll(members.Select(async address =>
        {
            try
            {
                await Context.System.ActorSelection(new RootActorPath(address) / "user" / NodeControl.Name).Ask<string>(how, TimeSpan.FromSeconds(10));
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
