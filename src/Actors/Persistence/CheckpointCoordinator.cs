using RnnStream.Feeds.Sinks;
using Akka.Actor;
using Akka.Event;
using Akka.Persistence;
using RnnStream.Actors.Diagnostics;

namespace RnnStream.Actors.Persistence;

/// <summary>
/// Keeps the run's durable log and turns checkpoints into commits. The stream side starts a
/// checkpoint with its cut (stored as a snapshot under the checkpoint's number); every key group
/// stores its series under the same number, on whichever node it runs, and says so here; the output answers
/// with its flushed length. When every part is in, the commit is journaled, and only then do older
/// snapshots go; the commit before it stays whole too, as the way back when the last one is found
/// damaged. A crash at any moment leaves the last commit whole. The stream tells this actor of
/// a checkpoint before it tells the partitions, so a part's answer never arrives before its start. Also journals each weights
/// version as it is promoted. A failed part leaves its checkpoint uncommitted (logged and counted),
/// never the stream stopped.
/// </summary>
public sealed class CheckpointCoordinator : UntypedPersistentActor
{
    public const string JournalId = "rnnstream-checkpoints";
    public const string PipelineId = "rnnstream-pipeline";
    public static string PartitionId(int partition) => $"rnnstream-partition-{partition}";

    private readonly IActorRef _snapshots;
    private readonly CheckpointStats _stats;
    private readonly Dictionary<long, byte[]> _weights = [];

    /// <summary>Journal position of each weights version's event, so the history before the committed one can go.</summary>
    private readonly SortedDictionary<long, long> _weightsEvents = [];
    private readonly SortedDictionary<long, Pending> _pending = [];
    private readonly List<(long Number, IActorRef ReplyTo)> _waiters = [];
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private CheckpointCommitted? _last;

    /// <summary>The commit before <see cref="_last"/>, kept whole (snapshots, weights) so a run can go back to it.</summary>
    private CheckpointCommitted? _previous;

    public CheckpointCoordinator(IActorRef snapshots, CheckpointStats stats)
    {
        _snapshots = snapshots;
        _stats = stats;
    }

    public static Props Props(IActorRef snapshots, CheckpointStats stats) => Akka.Actor.Props.Create(() => new CheckpointCoordinator(snapshots, stats));

    /// <summary>
    /// The coordinator under a backoff supervisor: a journal failure stops it (Akka's rule for a
    /// failed persist), and it comes back after a pause, recovering the last commit from the journal.
    /// Messages sent meanwhile are lost, which leaves those checkpoints uncommitted, never wrong.
    /// </summary>
    public static Props Supervised(IActorRef snapshots, CheckpointStats stats) =>
        Akka.Pattern.BackoffSupervisor.Props(Akka.Pattern.Backoff.OnStop(Props(snapshots, stats), "coordinator",
            TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(5), 0.2, maxNrOfRetries: -1));

    public override string PersistenceId => JournalId;

    protected override void OnRecover(object message)
    {
        switch (message)
        {
            case WeightsPromoted weights:
                _weights[weights.Version] = weights.Weights;
                _weightsEvents[weights.Version] = LastSequenceNr;
                break;
            // Journals written before commits were ordered may hold a later checkpoint before an earlier one: the highest number is the last.
            case CheckpointCommitted committed when _last is { } later && committed.Number < later.Number:
                if (_previous is null || committed.Number > _previous.Number) _previous = committed;
                break;
            case CheckpointCommitted committed:
                _previous = _last;
                _last = committed;
                long kept = Math.Min(_previous?.WeightsVersion ?? committed.WeightsVersion, committed.WeightsVersion);
                foreach (long version in _weights.Keys.Where(v => v < kept).ToList()) _weights.Remove(version);
                break;
        }
    }

    protected override void OnCommand(object message)
    {
        switch (message)
        {
            case GetRecovered recover:
                long latest = _last?.Number ?? 0;
                // Going back: the run continues from the previous commit, which is the one to keep whole from here on.
                if (recover.Previous) (_last, _previous) = (_previous, null);
                Sender.Tell(new RecoveredCheckpoint(_last, _last is { } last && _weights.TryGetValue(last.WeightsVersion, out var bytes) ? bytes : null, latest));
                // Only the committed version is needed from here on; the rest of the history stays in the journal.
                _weights.Clear();
                break;
            case WeightsPromoted weights:
                Persist(weights, _ => _weightsEvents[weights.Version] = LastSequenceNr);
                break;
            case CheckpointStarted started:
                Start(started);
                break;
            case SaveSnapshotSuccess saved:
                PartStored(saved.Metadata.SequenceNr);
                break;
            case Protocol.KeyGroupStored { Failure: null } stored:
                PartStored(stored.Number);
                break;
            case Protocol.KeyGroupStored { Failure: { } failure } notStored:
                Abort(notStored.Number, $"key group {notStored.KeyGroup} was not stored", new IOException(failure));
                break;
            case SaveSnapshotFailure failed:
                Abort(failed.Metadata.SequenceNr, $"snapshot {failed.Metadata.PersistenceId} failed", failed.Cause);
                break;
            case OutputFlushed flushed:
                if (_pending.TryGetValue(flushed.Number, out var waiting))
                {
                    waiting.Output = flushed.Mark;
                    TryCommit(flushed.Number, waiting);
                }
                break;
            case OutputFlushFailed flushFailed:
                Abort(flushFailed.Number, "the output could not be flushed", flushFailed.Cause);
                break;
            case WhenSettled settled:
                if (IsSettled(settled.Number)) Sender.Tell(new Settled(_last));
                else _waiters.Add((settled.Number, Sender));
                break;
            case DeleteSnapshotsSuccess or DeleteMessagesSuccess:
                break;
            case DeleteMessagesFailure deleteEventsFailed:
                _log.Warning(deleteEventsFailed.Cause, "old journal events up to {0} could not be deleted; they only take space", deleteEventsFailed.ToSequenceNr);
                break;
            case DeleteSnapshotsFailure deleteFailed:
                _log.Warning(deleteFailed.Cause, "old snapshots of {0} could not be deleted; they only take space", deleteFailed.Criteria);
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    /// <summary>One part of checkpoint <paramref name="number"/> is in the store: the pipeline's cut, or a key group's series.</summary>
    private void PartStored(long number)
    {
        if (!_pending.TryGetValue(number, out var pending)) return;
        pending.Stored++;
        CrashPoints.Reach(CrashPoints.CheckpointPartStored);
        TryCommit(number, pending);
    }

    private void Start(CheckpointStarted started)
    {
        var pending = new Pending(started.Cut, started.Cut.Partitions + 1);
        _pending[started.Cut.Number] = pending;
        _snapshots.Tell(new SaveSnapshot(new SnapshotMetadata(PipelineId, started.Cut.Number, DateTime.UtcNow), started.Cut.ToBytes()), Self);
        long number = started.Cut.Number;
        started.OutputFlushed.PipeTo(Self, success: mark => new OutputFlushed(number, mark), failure: e => new OutputFlushFailed(number, e));
    }

    /// <summary>
    /// Commits checkpoint <paramref name="number"/> once all its parts are in and every earlier
    /// checkpoint is committed or given up. Commits are journaled in checkpoint order: the store may
    /// finish a later checkpoint's snapshots first (PostgreSQL does), and recovery takes the last
    /// commit in the journal as the one to resume from, after a client was already acked for it.
    /// </summary>
    private void TryCommit(long number, Pending pending)
    {
        if (pending.Stored < pending.Parts || pending.Output is not { } output || pending.Committing || _pending.Keys.First() != number) return;
        pending.Committing = true;
        var cut = pending.Cut;
        var commit = new CheckpointCommitted(number, cut.NextOffset, cut.PredictionsWritten, output.Length, cut.WeightsVersion, cut.Partitions) { OutputSha256 = output.Sha256 };
        Persist(commit, committed =>
        {
            _pending.Remove(number);
            _previous = _last;
            _last = committed;
            _stats.Committed(committed);
            CrashPoints.Reach(CrashPoints.CheckpointCommitted);
            // Snapshots older than the previous commit's go; the previous commit's and this one's stay.
            // Nothing is older than checkpoint 1, and a deletion up to 0 is not sent: Akka's in-memory
            // store reads it as every snapshot, those of checkpoints started since included.
            long olderThanKept = (_previous?.Number ?? number) - 1;
            if (olderThanKept >= 1)
            {
                var older = new SnapshotSelectionCriteria(olderThanKept);
                _snapshots.Tell(new DeleteSnapshots(PipelineId, older), Self);
                for (int p = 0; p < cut.Partitions; p++) _snapshots.Tell(new DeleteSnapshots(PartitionId(p), older), Self);
            }
            // Everything journaled before the kept weights versions' events is history nothing resumes from.
            long keptVersion = Math.Min(_previous?.WeightsVersion ?? committed.WeightsVersion, committed.WeightsVersion);
            if (_weightsEvents.TryGetValue(keptVersion, out long weightsEvent) && weightsEvent > 1)
            {
                DeleteMessages(weightsEvent - 1);
                foreach (long version in _weightsEvents.Keys.Where(v => v < keptVersion).ToList()) _weightsEvents.Remove(version);
            }
            NotifyWaiters();
            CommitNextIfReady();
        });
    }

    /// <summary>The earliest pending checkpoint may have been complete while it waited for the one before it.</summary>
    private void CommitNextIfReady()
    {
        if (_pending.Count > 0 && _pending.First() is var (next, waiting)) TryCommit(next, waiting);
    }

    private void Abort(long number, string what, Exception cause)
    {
        if (!_pending.Remove(number)) return;
        _stats.Failed(number);
        _log.Error(cause, "checkpoint {0} not committed: {1}; the last committed checkpoint stays {2}", number, what, _last?.Number ?? 0);
        NotifyWaiters();
        CommitNextIfReady();
    }

    private bool IsSettled(long number) => !_pending.Keys.Any(k => k <= number);

    private void NotifyWaiters()
    {
        for (int i = _waiters.Count - 1; i >= 0; i--)
        {
            if (!IsSettled(_waiters[i].Number)) continue;
            _waiters[i].ReplyTo.Tell(new Settled(_last));
            _waiters.RemoveAt(i);
        }
    }

    /// <summary>A journal write failed: Akka stops this actor (its supervisor restarts it with backoff); what was pending is not committed.</summary>
    protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr)
    {
        _log.Error(cause, "journal write of {0} failed; checkpoints resume once the journal is back, the last committed stays {1}", @event.GetType().Name, _last?.Number ?? 0);
        base.OnPersistFailure(cause, @event, sequenceNr);
    }

    protected override void PostStop()
    {
        foreach (long number in _pending.Keys) _stats.Failed(number);
        _pending.Clear();
        NotifyWaiters();
        base.PostStop();
    }

    private sealed class Pending(PipelineCut cut, int parts)
    {
        public PipelineCut Cut { get; } = cut;
        public int Parts { get; } = parts;
        public int Stored { get; set; }
        public OutputMark? Output { get; set; }
        public bool Committing { get; set; }
    }

    private sealed record OutputFlushed(long Number, OutputMark Mark);

    private sealed record OutputFlushFailed(long Number, Exception Cause);
}

/// <summary>Asks the coordinator for the last committed checkpoint (or, going back, the one before it) and its weights.</summary>
public sealed record GetRecovered(bool Previous = false)
{
    public static readonly GetRecovered Instance = new();
}

/// <param name="Last">The checkpoint to resume from; null when there is none.</param>
/// <param name="Weights">Its weights version in the weights file format; null when nothing was committed.</param>
/// <param name="LatestNumber">The number of the last commit in the journal (later than <paramref name="Last"/> when going back), so new checkpoints number on past it.</param>
public sealed record RecoveredCheckpoint(CheckpointCommitted? Last, byte[]? Weights, long LatestNumber);

/// <summary>The stream side's part of checkpoint <see cref="PipelineCut.Number"/>, and the output's flush at the cut.</summary>
public sealed record CheckpointStarted(PipelineCut Cut, Task<OutputMark> OutputFlushed);

/// <summary>Answered with <see cref="Settled"/> once checkpoint <paramref name="Number"/> and every earlier one is committed or failed.</summary>
public sealed record WhenSettled(long Number);

public sealed record Settled(CheckpointCommitted? LastCommitted);
