using Akka.Actor;
using Akka.Persistence;
using RnnStream.Actors.Persistence;
using RnnStream.Actors.Pipeline;
using RnnStream.Feeds.Sinks;
using Xunit;

namespace RnnStream.Actors.Tests.Persistence;

/// <summary>
/// A store may finish a later checkpoint's snapshots before an earlier one's (PostgreSQL did, under
/// load). The coordinator still journals commits in checkpoint order: recovery resumes from the
/// last commit in the journal, and a client may already have been acked for the later one.
/// </summary>
public sealed class CheckpointOrderSpec() : Akka.TestKit.Xunit2.TestKit(TestStores.Config.WithFallback(PersistenceConfig.RecordSerialization).WithFallback(PipelineConfig.Config))
{
    private static CheckpointStarted Started(long number) => StartedCheckpoints.Numbered(number);

    [Fact]
    public void A_checkpoint_whose_snapshots_are_stored_first_commits_only_after_the_earlier_one_and_recovery_resumes_from_the_later()
    {
        var snapshots = CreateTestProbe();
        var stats = new CheckpointStats();
        var committed = new List<long>();
        stats.OnCommitted = c => { lock (committed) committed.Add(c.Number); };
        var coordinator = Sys.ActorOf(CheckpointCoordinator.Props(snapshots.Ref, stats));
        coordinator.Tell(Started(1));
        coordinator.Tell(Started(2));
        var first = snapshots.ExpectMsg<SaveSnapshot>(TestStores.FirstAnswer);
        var second = snapshots.ExpectMsg<SaveSnapshot>();
        Assert.Equal([1L, 2L], new[] { first.Metadata.SequenceNr, second.Metadata.SequenceNr });

        // Checkpoint 2's part is stored first: it is complete, yet it must wait for checkpoint 1.
        coordinator.Tell(new SaveSnapshotSuccess(second.Metadata), snapshots.Ref);
        coordinator.Tell(new SaveSnapshotSuccess(first.Metadata), snapshots.Ref);
        coordinator.Tell(new WhenSettled(2));
        Assert.Equal(2, ExpectMsg<Settled>().LastCommitted?.Number);
        lock (committed) Assert.Equal([1L, 2L], committed);

        Sys.Stop(coordinator);
        var recovered = Sys.ActorOf(CheckpointCoordinator.Props(snapshots.Ref, new CheckpointStats()));
        recovered.Tell(GetRecovered.Instance);
        var answer = ExpectMsg<RecoveredCheckpoint>(TestStores.FirstAnswer);
        Assert.Equal(2, answer.Last?.Number);
        Assert.Equal(16, answer.Last?.NextOffset);
    }

    [Fact]
    public void A_failed_earlier_checkpoint_lets_the_later_complete_one_commit()
    {
        var snapshots = CreateTestProbe();
        var stats = new CheckpointStats();
        var coordinator = Sys.ActorOf(CheckpointCoordinator.Props(snapshots.Ref, stats));
        coordinator.Tell(Started(1));
        coordinator.Tell(Started(2));
        var first = snapshots.ExpectMsg<SaveSnapshot>(TestStores.FirstAnswer);
        var second = snapshots.ExpectMsg<SaveSnapshot>();

        coordinator.Tell(new SaveSnapshotSuccess(second.Metadata), snapshots.Ref);
        coordinator.Tell(new SaveSnapshotFailure(first.Metadata, new IOException("disk full")), snapshots.Ref);
        coordinator.Tell(new WhenSettled(2));
        Assert.Equal(2, ExpectMsg<Settled>().LastCommitted?.Number);
        Assert.Equal(1, stats.FailedCount);
        Assert.Equal(1, stats.CommittedCount);
    }

    [Fact]
    public void A_journal_that_an_older_build_wrote_out_of_order_resumes_from_its_highest_checkpoint_and_goes_back_to_the_next_highest()
    {
        var writer = Sys.ActorOf(Props.Create(() => new OutOfOrderWriter()));
        writer.Tell(new[] { 1L, 3L, 2L });
        ExpectMsg<Akka.Done>(TestStores.FirstAnswer);
        Sys.Stop(writer);

        var snapshots = CreateTestProbe();
        var coordinator = Sys.ActorOf(CheckpointCoordinator.Props(snapshots.Ref, new CheckpointStats()));
        coordinator.Tell(GetRecovered.Instance);
        var last = ExpectMsg<RecoveredCheckpoint>();
        Assert.Equal(3, last.Last?.Number);
        Assert.Equal(3, last.LatestNumber);
        Sys.Stop(coordinator);

        var goingBack = Sys.ActorOf(CheckpointCoordinator.Props(snapshots.Ref, new CheckpointStats()));
        goingBack.Tell(new GetRecovered(Previous: true));
        Assert.Equal(2, ExpectMsg<RecoveredCheckpoint>().Last?.Number);
    }

    /// <summary>Journals commits under the coordinator's persistence id in the order given, as an older build could.</summary>
    private sealed class OutOfOrderWriter : ReceivePersistentActor
    {
        public override string PersistenceId => CheckpointCoordinator.JournalId;

        public OutOfOrderWriter()
        {
            Command<long[]>(numbers =>
            {
                var events = numbers.Select(n => new CheckpointCommitted(n, n * 8, n * 8, n * 100, 0, 0)).ToList();
                var replyTo = Sender;
                PersistAll(events, e =>
                {
                    if (e.Number == numbers[^1]) replyTo.Tell(Akka.Done.Instance);
                });
            });
        }
    }
}
