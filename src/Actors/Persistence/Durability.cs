using Akka.Actor;
using Akka.Persistence;
using RnnStream.Model.Weights;

using RnnStream.Actors.Series;

namespace RnnStream.Actors.Persistence;

/// <summary>
/// A run's durable side: the checkpoint coordinator and the snapshot store, and what the last
/// committed checkpoint holds when the data directory already had state (its cut, each
/// partition's series, its weights). A run resumes from exactly that.
/// </summary>
public sealed class Durability
{
    private Durability(IActorRef coordinator, CheckpointStats stats, long checkpointEvery, TimeSpan? checkpointInterval)
    {
        CheckpointInterval = checkpointInterval;
        Coordinator = coordinator;
        Stats = stats;
        CheckpointEvery = checkpointEvery;
    }

    public IActorRef Coordinator { get; }
    public CheckpointStats Stats { get; }

    /// <summary>Ticks between checkpoints (0: not by count).</summary>
    public long CheckpointEvery { get; }

    /// <summary>Wall-clock time between checkpoints (null: not by the clock).</summary>
    public TimeSpan? CheckpointInterval { get; }

    public CheckpointCommitted? Last { get; private set; }
    public PipelineCut? Cut { get; private set; }
    public ModelWeights? Weights { get; private set; }
    public IReadOnlyList<IReadOnlyDictionary<string, StoredSeries>>? PartitionStates { get; private set; }

    /// <summary>How long reading the last checkpoint back took.</summary>
    public TimeSpan RecoveryTime { get; private set; }

    public bool IsResumed => Last is not null;

    /// <summary>The number of the last checkpoint committed before this run; new checkpoints number on from it (past it when going back).</summary>
    public long LatestNumber { get; private set; }

    /// <summary>Starts the coordinator (which replays the journal) and loads the last committed checkpoint, if any.</summary>
    /// <param name="previous">Go back: resume from the commit before the last (when the last one is damaged).</param>
    public static async Task<Durability> OpenAsync(ActorSystem system, long checkpointEvery, TimeSpan timeout, TimeSpan? checkpointInterval = null, bool previous = false)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(checkpointEvery);
        if (checkpointEvery == 0 && checkpointInterval is null) throw new ArgumentException("checkpoints need a tick count or an interval");
        var started = System.Diagnostics.Stopwatch.StartNew();
        var snapshots = Akka.Persistence.Persistence.Instance.Apply(system).SnapshotStoreFor(null);
        var stats = new CheckpointStats();
        var coordinator = system.ActorOf(CheckpointCoordinator.Supervised(snapshots, stats), $"checkpoints-{Guid.NewGuid():N}");
        var durability = new Durability(coordinator, stats, checkpointEvery, checkpointInterval);
        RecoveredCheckpoint recovered;
        try
        {
            recovered = await coordinator.Ask<RecoveredCheckpoint>(new GetRecovered(previous), timeout);
        }
        catch (AskTimeoutException)
        {
            system.Stop(coordinator);
            throw new InvalidDataException($"the durable state could not be read within {timeout.TotalSeconds:N0} s; is the store reachable? (see the log for the journal's error)");
        }
        durability.LatestNumber = recovered.LatestNumber;
        if (previous && recovered.Last is null)
            throw new InvalidDataException(recovered.LatestNumber == 0 ? "there is no checkpoint to go back from" : $"there is no checkpoint before checkpoint {recovered.LatestNumber} to go back to");
        if (recovered.Last is not { } last) return durability;

        if (recovered.Weights is null) throw new InvalidDataException($"checkpoint {last.Number} names weights version {last.WeightsVersion}, which is not in the journal");
        using (var weights = new MemoryStream(recovered.Weights)) durability.Weights = ModelWeightsSerializer.Read(weights);
        durability.Cut = PipelineCut.FromBytes(await Load(snapshots, CheckpointCoordinator.PipelineId, last.Number, timeout),
            $"the pipeline's cut of checkpoint {last.Number}");
        var partitions = new IReadOnlyDictionary<string, StoredSeries>[last.Partitions];
        for (int p = 0; p < partitions.Length; p++)
            partitions[p] = PartitionSnapshot.Read(await Load(snapshots, CheckpointCoordinator.PartitionId(p), last.Number, timeout),
                $"the snapshot of {CheckpointCoordinator.PartitionId(p)} at checkpoint {last.Number}");
        durability.PartitionStates = partitions;
        durability.Last = last;
        durability.RecoveryTime = started.Elapsed;
        return durability;
    }

    /// <summary>
    /// Waits until checkpoint <paramref name="number"/> is committed or given up; asks again if the
    /// coordinator was restarting (a lost question), for at most <paramref name="patience"/>.
    /// </summary>
    /// <returns>The last committed checkpoint; null if none is, or the coordinator did not answer in time.</returns>
    public async Task<CheckpointCommitted?> SettleAsync(long number, TimeSpan patience)
    {
        var deadline = DateTime.UtcNow + patience;
        while (true)
        {
            try
            {
                return (await Coordinator.Ask<Settled>(new WhenSettled(number), TimeSpan.FromSeconds(10))).LastCommitted;
            }
            catch (AskTimeoutException) when (DateTime.UtcNow < deadline)
            {
            }
            catch (AskTimeoutException)
            {
                return null;
            }
        }
    }

    /// <summary>
    /// Stops the coordinator, as the end of the process would: what it has not committed stays
    /// uncommitted. The run's log must be closed before it is opened again in the same process,
    /// since a coordinator left running may still commit a later checkpoint of a failed run and
    /// delete the snapshots the new one is resuming from.
    /// </summary>
    public async Task CloseAsync(TimeSpan timeout) => await Coordinator.GracefulStop(timeout);

    /// <summary>The snapshot stored under exactly this checkpoint number.</summary>
    private static async Task<byte[]> Load(IActorRef snapshots, string persistenceId, long number, TimeSpan timeout)
    {
        var criteria = new SnapshotSelectionCriteria(number, DateTime.MaxValue, number, DateTime.MinValue);
        var answer = await snapshots.Ask(new LoadSnapshot(persistenceId, criteria, number), timeout);
        return answer switch
        {
            LoadSnapshotResult { Snapshot.Snapshot: byte[] bytes } => bytes,
            LoadSnapshotResult => throw new InvalidDataException($"checkpoint {number} is committed but the snapshot of {persistenceId} is missing"),
            LoadSnapshotFailed failed => throw new InvalidDataException($"the snapshot of {persistenceId} at checkpoint {number} could not be read: {failed.Cause.Message}", failed.Cause),
            _ => throw new InvalidDataException($"unexpected answer from the snapshot store: {answer}"),
        };
    }
}
