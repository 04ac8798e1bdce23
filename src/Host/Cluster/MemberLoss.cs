using Akka.Cluster;

namespace RnnStream.Host.Cluster;

/// <summary>
/// Tells a run when the cluster loses a member: the first member that becomes unreachable, or that
/// was up when the run started and is leaving or gone. The key groups on it are gone with their state, and
/// answers to batches sent there will never come, so the run must roll back. It reads the cluster's
/// state (a snapshot any thread may read) a few times a second: the coordinator singleton is busy in
/// its run and cannot take cluster events as messages meanwhile.
/// </summary>
internal static class MemberLoss
{
    public static async Task<Member> WhenLost(Akka.Cluster.Cluster cluster, CancellationToken cancellation)
    {
        var upAtStart = cluster.State.Members.Where(m => m.Status == MemberStatus.Up).ToList();
        while (true)
        {
            var state = cluster.State;
            if (state.Unreachable.FirstOrDefault() is { } unreachable) return unreachable;
            // Leaving too: its key groups are being handed off, and those on another node would start without their state.
            if (upAtStart.FirstOrDefault(m => !state.Members.Contains(m) || state.Members.Any(now => now.Equals(m) && now.Status != MemberStatus.Up)) is { } gone)
                return gone;
            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellation);
        }
    }
}
