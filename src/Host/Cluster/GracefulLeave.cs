using Akka;
using Akka.Actor;
using Akka.Cluster;
using Spectre.Console;

namespace RnnStream.Host.Cluster;

/// <summary>
/// A node's first step of CoordinatedShutdown (SIGTERM, Ctrl+C): before sharding hands its key groups
/// off, it asks the coordinator to drain the stream to a committed checkpoint, which holds every key
/// group's series, this node's included. The key groups then start on the other nodes from that
/// checkpoint, and the run goes on from its cut: nothing is forecast twice, nothing rolled back.
/// Without an answer in time the node leaves anyway, and the run rolls back as after a loss. The
/// coordinating node drains the same way, then stops the cluster: started again, it goes on from
/// that checkpoint.
/// </summary>
internal static class GracefulLeave
{
    public static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);

    /// <summary>The phase's timeout must outlast <see cref="Patience"/>; the host's shutdown timeout too.</summary>
    public static string Hocon => $"akka.coordinated-shutdown.phases.before-service-unbind.timeout = {Patience.TotalSeconds + 30:F0}s";

    public static void Register(ActorSystem system, RnnStreamNode node) =>
        CoordinatedShutdown.Get(system).AddTask(CoordinatedShutdown.PhaseBeforeServiceUnbind, "rnnstream-checkpoint-before-leaving",
            () => AskForCheckpoint(system, node));

    private static async Task<Done> AskForCheckpoint(ActorSystem system, RnnStreamNode node)
    {
        var cluster = Akka.Cluster.Cluster.Get(system);
        var state = cluster.State;
        // A finished run's members all leave.
        if (node.Finished || !node.RunStarted || !state.Members.Any(m => m.Address.Equals(cluster.SelfAddress) && m.Status == MemberStatus.Up))
            return Done.Instance;
        node.StoppedByOperator = true;
        bool coordinating = node.Coordinating;
        // The coordinating node asks its own coordinator: it drains too, and then stops the cluster (see RunCoordinator).
        var asked = coordinating ? [cluster.SelfAddress]
            : state.Members.Where(m => m.Status == MemberStatus.Up && !m.Address.Equals(cluster.SelfAddress) && !state.Unreachable.Contains(m)).Select(m => m.Address);
        var answers = await Task.WhenAll(asked.Select(async address =>
        {
            try
            {
                return await system.ActorSelection(new RootActorPath(address) / "user" / NodeControl.Name).Ask<string>(NodeControl.Leaving, Patience);
            }
            catch (AskTimeoutException)
            {
                return null;
            }
        }));
        string? drained = answers.FirstOrDefault(answer => answer?.StartsWith(NodeControl.Drained, StringComparison.Ordinal) == true)?[NodeControl.Drained.Length..];
        node.Console.MarkupLine(drained is null
            ? "leaving the cluster without a checkpoint of this node's key groups (the coordinator did not drain in time, or keeps no checkpoints): the run rolls back"
            : coordinating ? $"stopping: the run drained to checkpoint {drained}, and the cluster stops with it"
            : $"leaving the cluster: the run drained to checkpoint {drained}, this node's key groups hand off with it");
        return Done.Instance;
    }
}
