using System.Threading.Channels;
using RnnStream.Actors.Series;
using RnnStream.Host.Configuration;
using Spectre.Console;

namespace RnnStream.Host.Cluster;

/// <summary>What one `rnnstream node` process is: its deployment, where it prints, and whether the run it coordinated failed.</summary>
public sealed class RnnStreamNode
{
    internal RnnStreamNode(Deployment deployment, IAnsiConsole console, int minNodes, SeriesContext keyGroups, string model)
    {
        Model = model;
        Deployment = deployment;
        Console = console;
        MinNodes = minNodes;
        KeyGroups = keyGroups;
    }

    /// <summary>What this node's key groups share: its weights registry (fed by the trainer's versions) and its replay buffer (read by the trainer).</summary>
    internal SeriesContext KeyGroups { get; }

    /// <summary>This node's <see cref="ModelAgreement"/> description: what the coordinator checks every node against.</summary>
    internal string Model { get; }

    /// <summary>Nodes whose shard regions must be known before key groups are placed (so they spread over all of them).</summary>
    internal int MinNodes { get; }

    internal Deployment Deployment { get; }
    internal IAnsiConsole Console { get; }

    /// <summary>Set by the coordinator when its run stopped on an error: that node exits 1.</summary>
    public bool Failed { get; set; }

    /// <summary>A coordinator started the cluster's run (it reset this node): a coordinator starting here later is a takeover.</summary>
    public bool RunStarted { get; set; }

    /// <summary>The node's live service's view (null with http.port = off): the coordinator's run, or this node's key groups.</summary>
    internal Http.ServiceState? Service { get; set; }

    /// <summary>This node was stopped by a signal (SIGTERM, Ctrl+C): the run stopping with it is no failure of this node.</summary>
    public bool StoppedByOperator { get; set; }

    /// <summary>The run coordinator is on this node and its run is under way.</summary>
    public bool Coordinating { get; set; }

    /// <summary>Nodes whose control actor answered the coordinator's probe through the weights topic.</summary>
    internal System.Collections.Concurrent.ConcurrentDictionary<Akka.Actor.Address, bool> HeardOnWeightsTopic { get; } = new();

    /// <summary>Members stopping gracefully that asked this node's coordinator to drain to a checkpoint first (<see cref="GracefulLeave"/>).</summary>
    internal Channel<LeaveRequest> Leaves { get; } = Channel.CreateUnbounded<LeaveRequest>();

    /// <summary>While this node coordinates a run on a socket feed: where other nodes' listeners send their lines (this attempt's stream).</summary>
    internal Task<Akka.Streams.Dsl.Sink<Feeds.Sources.TcpArrivals, Akka.NotUsed>>? OtherNodesArrivals { get; set; }

    /// <summary>The cluster's run is over: a coordinator starting here (the singleton moving as members leave) must not run it again.</summary>
    public bool Finished { get; set; }
}
