using Akka.Actor;
using Akka.Persistence;
using RnnStream.Actors.Persistence;
using RnnStream.Actors.Pipeline;
using Xunit;

namespace RnnStream.Actors.Tests.Persistence;

/// <summary>
/// A commit prunes only snapshots older than the commit before it. Akka's in-memory snapshot store
/// reads a deletion up to sequence number 0 as "all of them", so the first commits once deleted the
/// snapshots of checkpoints already started after them, and a resume found its checkpoint without one.
/// </summary>
public sealed class CheckpointPruningSpec() : Akka.TestKit.Xunit2.TestKit(TestStores.Config.WithFallback(PersistenceConfig.RecordSerialization).WithFallback(PipelineConfig.Config))
{
    [Fact]
    public async Task The_first_commits_keep_the_snapshots_of_the_checkpoints_started_after_them_and_the_third_prunes_only_the_first()
    {
        var snapshots = Akka.Persistence.Persistence.Instance.Apply(Sys).SnapshotStoreFor(null);
        var coordinator = Sys.ActorOf(CheckpointCoordinator.Props(snapshots, new CheckpointStats()));
        // All three are started (their snapshots sent to the store) before the first commit can happen.
        coordinator.Tell(StartedCheckpoints.Numbered(1));
        coordinator.Tell(StartedCheckpoints.Numbered(2));
        coordinator.Tell(StartedCheckpoints.Numbered(3));
        coordinator.Tell(new WhenSettled(3));
        Assert.Equal(3, ExpectMsg<Settled>(TestStores.FirstAnswer).LastCommitted?.Number);

        bool[] kept = [await Stored(snapshots, 1), await Stored(snapshots, 2), await Stored(snapshots, 3)];
        Assert.Equal([false, true, true], kept);
    }

    private static async Task<bool> Stored(IActorRef snapshots, long number)
    {
        var exactly = new SnapshotSelectionCriteria(number, DateTime.MaxValue, number, DateTime.MinValue);
        var answer = await snapshots.Ask<LoadSnapshotResult>(new LoadSnapshot(CheckpointCoordinator.PipelineId, exactly, number), TimeSpan.FromSeconds(5));
        return answer.Snapshot?.Metadata.SequenceNr == number;
    }
}
