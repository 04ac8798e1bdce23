using Akka.Actor;
using Akka.Event;
using RnnStream.Actors.Diagnostics;
using RnnStream.Actors.Protocol;
using RnnStream.Actors.Training;
using RnnStream.Feeds.Records;

namespace RnnStream.Actors.Series;

/// <summary>
/// The actor that holds the live memory of a fixed slice of the series (those whose id hashes to
/// it). Each series keeps its own state object, updated only here, so a series is still processed
/// strictly in order by one actor; but thousands of series share one mailbox, and the router sends
/// their ticks in batches (<see cref="KeyGroupTicks"/>), so under load one message carries hundreds of
/// ticks instead of waking a thread per tick; the answers go back to the batch's sender in one
/// <see cref="KeyGroupAnswers"/>.
/// Idle series are passivated: their state leaves the hot table as compact bytes (a few hundred,
/// against the live objects' couple of kilobytes) and comes back, bit for bit, on their next tick.
/// </summary>
public sealed class SeriesPartition : UntypedActor, IWithTimers, IWithUnboundedStash
{
    private const string IdleTimer = "idle";
    private readonly SeriesContext _context;
    private readonly TimeSpan? _idleTimeout;
    private readonly Dictionary<string, ActiveSeries> _active = new(StringComparer.Ordinal);
    private readonly Dictionary<string, StoredSeries> _passivated = new(StringComparer.Ordinal);
    private ILoggingAdapter? _log;

    /// <summary>Who fed the last batch: told why, should this key group fail.</summary>
    private IActorRef _stream = ActorRefs.Nobody;

    /// <summary>Made once: a method group passed on every tick would allocate a delegate every tick.</summary>
    private readonly Action<TrainingWindow> _addWindow;
    private ActiveSeries?[] _batchSeries = new ActiveSeries?[64];

    /// <summary>The one answer object this key group refills for every batch, when it rents its batches (see <see cref="KeyGroupAnswers"/>).</summary>
    private KeyGroupAnswers? _answers;

    /// <summary>Checkpoints whose snapshot the store has not answered yet, and whom to tell.</summary>
    private readonly Dictionary<long, IActorRef> _storing = [];

    /// <summary>Where the touch pass leaves its sum, so the compiler cannot drop its reads.</summary>
    private float _touched;
    private DateTimeOffset _now;

    /// <param name="restored">Series states from the last committed checkpoint; they come back live on their first tick.</param>
    /// <param name="mustRestore">A cluster's key group: it takes no ticks before a <see cref="RestoreKeyGroup"/>, because sharding may start it again
    /// anywhere (after its node left) with none of its state, and forecasting from nothing would be silently wrong.</param>
    public SeriesPartition(SeriesContext context, TimeSpan? idleTimeout, TimeSpan scanEvery, int index = 0, IReadOnlyDictionary<string, StoredSeries>? restored = null,
        bool mustRestore = false)
    {
        _restored = !mustRestore;
        _context = context;
        _addWindow = context.Replay.Add;
        _idleTimeout = idleTimeout;
        _scanEvery = scanEvery;
        _index = index;
        if (restored is not null)
            foreach (var (id, state) in restored) _passivated[id] = state;
    }

    private readonly int _index;

    private readonly TimeSpan _scanEvery;

    public ITimerScheduler Timers { get; set; } = null!;
    public IStash Stash { get; set; } = null!;
    private bool _awaitingWeights;

    public static Props Props(SeriesContext context, TimeSpan? idleTimeout = null, TimeSpan? scanEvery = null, int index = 0,
        IReadOnlyDictionary<string, StoredSeries>? restored = null, bool mustRestore = false) =>
        Akka.Actor.Props.Create(() => new SeriesPartition(context, idleTimeout, scanEvery ?? TimeSpan.FromSeconds(1), index, restored, mustRestore));

    /// <summary>What a key group of a cluster that sharding started again without its state says when ticks reach it; the run rolls back on it.</summary>
    public const string StartedWithoutState = "started again without its state";

    private bool _restored;

    /// <summary>The stream that restored this key group: batches from any other (a run before a rollback) are dropped.</summary>
    private IActorRef? _restoredFor;

    protected override void PreStart()
    {
        _now = Context.System.Scheduler.Now;
        if (_idleTimeout is not null) Timers.StartPeriodicTimer(IdleTimer, ScanIdle.Instance, _scanEvery);
    }

    /// <summary>
    /// Anything that escapes a message stops the partition instead of restarting it: a restart would
    /// come back with the state of the run's start, silently dropping every series' progress since,
    /// and the stream would wait forever for the batch in hand. The stream is told why.
    /// </summary>
    protected override bool AroundReceive(Receive receive, object message)
    {
        try
        {
            return base.AroundReceive(receive, message);
        }
        catch (Exception e)
        {
            (_log ??= Context.GetLogger()).Error(e, "key group {0} failed on {1}; it stops", _index, message.GetType().Name);
            _stream.Tell(new KeyGroupFailed(_index, $"{e.GetType().Name} on {message.GetType().Name}: {e.Message}"));
            Context.Stop(Self);
            return true;
        }
    }

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case AnswerTo:
                _stream = Sender;
                break;
            case KeyGroupTicks when _restoredFor is not null && !Sender.Equals(_restoredFor):
                // A batch of a run that has since rolled back (delivered late by sharding after a hand-off): its stream is gone, and it must not touch the restored state.
                break;
            case KeyGroupTicks batch when batch.WeightsVersion > _context.Registry.Version:
                // The stream is past a swap whose weights have not reached this node yet: forecast with them, not before.
                Stash.Stash();
                if (!_awaitingWeights) _awaitingWeights = Context.System.EventStream.Subscribe(Self, typeof(WeightsArrived));
                // They may have arrived between the check and the subscription, their news already gone: look again.
                if (batch.WeightsVersion <= _context.Registry.Version) Stash.UnstashAll();
                break;
            case WeightsArrived:
                Stash.UnstashAll();
                break;
            case KeyGroupTicks when !_restored:
                _stream = Sender;
                throw new InvalidOperationException($"key group {_index} {StartedWithoutState} (sharding placed it again after its node left)");
            case StoreKeyGroup store when !_restored:
                store.ReplyTo.Tell(new KeyGroupStored(store.Number, _index, $"key group {_index} {StartedWithoutState}"));
                break;
            case KeyGroupTicks batch:
                if (CrashPoints.IsArmed) CrashPoints.Reach(CrashPoints.KeyGroupBatch);
                _stream = Sender;
                var answers = OnBatch(batch);
                if (batch.Inbox is { } inbox) inbox.Post(answers);
                else Sender.Tell(answers);
                break;
            case ScanIdle:
                Passivate();
                break;
            case StoreKeyGroup store:
                Snapshot(store);
                break;
            case Akka.Persistence.SaveSnapshotSuccess saved when _storing.Remove(saved.Metadata.SequenceNr, out var stored):
                stored.Tell(new KeyGroupStored(saved.Metadata.SequenceNr, _index));
                break;
            case Akka.Persistence.SaveSnapshotFailure failed when _storing.Remove(failed.Metadata.SequenceNr, out var notStored):
                notStored.Tell(new KeyGroupStored(failed.Metadata.SequenceNr, _index, $"snapshot {failed.Metadata.PersistenceId} failed: {failed.Cause.Message}"));
                break;
            case RestoreKeyGroup restore:
                Restore(restore);
                break;
            case CountSeries:
                Sender.Tell(new SeriesCounts(_active.Count, _passivated.Count));
                break;
            case SeriesQuery query:
                Sender.Tell(Describe(query.SeriesId));
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    /// <summary>
    /// Every tick gets an answer: its forecast, or a failed prediction with the reason. Nothing a
    /// tick does may throw out of here: one bad tick fails that tick, never the whole key group
    /// (which would stop and fail the run).
    /// </summary>
    private KeyGroupAnswers OnBatch(KeyGroupTicks batch)
    {
        var ticks = batch.Ticks;
        // Rented when the node has a pool and the stream shares this process (it named its inbox; nothing pooled crosses a node):
        // the output that takes the answers gives them back once written, and the predictions are made again in place.
        var pool = batch.Inbox is null ? null : _context.Predictions;
        var batchOut = pool?.Rent(ticks.Length) ?? new PredictionBatch(null, ticks.Length);
        var answers = batchOut.Slots;
        if (_batchSeries.Length < ticks.Length) _batchSeries = new ActiveSeries?[Math.Max(ticks.Length, 2 * _batchSeries.Length)];
        // Two passes: first find every tick's series and touch the memory its tick will use, so the
        // cache misses of the whole batch overlap instead of stalling one tick after another (with
        // thousands of series the states are far bigger than the cache; docs/RESULTS.md has the gain).
        float touched = 0;
        // Counted where they are made (the only two places a tick fails), not by a pass over the answers.
        int failed = 0;
        for (int i = 0; i < ticks.Length; i++)
        {
            try
            {
                var tick = ticks[i];
                var series = _batchSeries[i] = Activate(tick.SeriesId);
                // The tick too: the stream made it on the other core, so it is not in this one's cache either.
                touched += series.State.Touch() + (tick.Values.Length > 0 ? tick.Values[0] : 0);
                if (series.Scores is { } scores) touched += scores.Touch();
            }
            catch (Exception e)
            {
                _batchSeries[i] = null;
                answers[i] = Failed(ticks[i], e);
                failed++;
            }
        }
        _touched = touched;
        for (int i = 0; i < ticks.Length; i++)
        {
            if (_batchSeries[i] is not { } series) continue;
            var tick = ticks[i];
            try
            {
                if (_idleTimeout is not null) series.LastTick = _now;
                var prediction = answers[i] = _context.Forecaster.Process(series.State, tick, _context.Registry.Current, _addWindow, pool?.At(batchOut, i));
                if (_context.Metrics is { } metrics) (series.Scores ??= metrics.ScoresFor(tick.SeriesId)).Record(prediction, metrics.ScoreFromOffset, metrics.IntervalZ, metrics.IntervalAlpha);
            }
            catch (Exception e)
            {
                answers[i] = Failed(tick, e);
                failed++;
            }
        }
        Array.Clear(_batchSeries, 0, ticks.Length);
        batchOut.Seal(ticks.Length, failed);
        if (pool is null) return new KeyGroupAnswers(batch.KeyGroup, batchOut);
        // In the stream's own process, which takes each answer out before it sends more ticks: one answer object will do.
        if (_answers is { } reused) reused.Refill(batchOut);
        else _answers = new KeyGroupAnswers(batch.KeyGroup, batchOut);
        return _answers;
    }

    private Prediction Failed(Tick tick, Exception error)
    {
        (_log ??= Context.GetLogger()).Warning(error, "series {0}: tick at {1} failed", tick.SeriesId, tick.RawTimestamp);
        return FailedPrediction.For(tick, error);
    }

    /// <summary>A series as it stands, live or passivated (read back without waking it); unknown if this key group never had a tick of it.</summary>
    private object Describe(string seriesId)
    {
        var forecaster = _context.Forecaster;
        var scores = _context.Metrics?.PerSeriesScore(seriesId) is { } score ? SeriesScoreSummary.Of(score) : null;
        if (_active.TryGetValue(seriesId, out var series)) return forecaster.Describe(series.State, live: true, scores);
        if (_passivated.TryGetValue(seriesId, out var kept))
            return forecaster.Describe(SeriesStateSerializer.Read(kept.State, forecaster.Settings, _context.Registry.Current.StateLayout), live: false, scores);
        return new SeriesUnknown(seriesId);
    }

    /// <summary>The series' live state: already live, restored from passivation, or new.</summary>
    private ActiveSeries Activate(string seriesId)
    {
        if (_active.TryGetValue(seriesId, out var series)) return series;
        var state = _passivated.TryGetValue(seriesId, out var kept)
            ? SeriesStateSerializer.Read(kept.State, _context.Forecaster.Settings, _context.Registry.Current.StateLayout)
            : _context.Forecaster.CreateState(seriesId, _context.Registry.Current);
        _passivated.Remove(seriesId);
        series = new ActiveSeries(state);
        _active[seriesId] = series;
        return series;
    }

    /// <summary>
    /// Every series of the key group, as of the ticks received so far, handed to this node's snapshot
    /// store under the checkpoint's number; its answer comes here and goes on to the coordinator as
    /// our own message, so it may cross nodes. Serialized here, in order with the ticks, so the
    /// snapshot is exactly the state at the cut; stored asynchronously.
    /// </summary>
    private void Snapshot(StoreKeyGroup request)
    {
        var states = new List<KeyValuePair<string, StoredSeries>>(_active.Count + _passivated.Count);
        foreach (var (id, series) in _active) states.Add(new(id, new StoredSeries(SeriesStateSerializer.Write(series.State), series.State.LastTimestamp)));
        states.AddRange(_passivated);
        var metadata = new Akka.Persistence.SnapshotMetadata(Persistence.CheckpointCoordinator.PartitionId(_index), request.Number, DateTime.UtcNow);
        _storing[request.Number] = request.ReplyTo;
        SnapshotStore.Tell(new Akka.Persistence.SaveSnapshot(metadata, PartitionSnapshot.Write(states)), Self);
    }

    private IActorRef SnapshotStore => Akka.Persistence.Persistence.Instance.Apply(Context.System).SnapshotStoreFor(null);

    /// <summary>
    /// Drops every series and reads back those of the checkpoint from this node's store (none for
    /// checkpoint 0); ticks that come meanwhile wait in the stash, behind the restored state.
    /// </summary>
    private void Restore(RestoreKeyGroup request)
    {
        if (request.Number < 0) throw new InvalidDataException($"there is no checkpoint {request.Number}: they count from 1 (0: none)");
        var requester = Sender;
        // A failure while restoring (a missing snapshot) must reach the stream that waits for this key group.
        _stream = requester;
        _restored = true;
        _restoredFor = requester;
        // Batches stashed for weights of the run before the rollback: their stream is gone.
        Stash.ClearStash();
        _active.Clear();
        _passivated.Clear();
        if (request.Number == 0)
        {
            requester.Tell(new KeyGroupRestored(_index, 0));
            return;
        }
        string persistenceId = Persistence.CheckpointCoordinator.PartitionId(_index);
        var criteria = new Akka.Persistence.SnapshotSelectionCriteria(request.Number, DateTime.MaxValue, request.Number, DateTime.MinValue);
        SnapshotStore.Tell(new Akka.Persistence.LoadSnapshot(persistenceId, criteria, request.Number), Self);
        BecomeStacked(message =>
        {
            switch (message)
            {
                case Akka.Persistence.LoadSnapshotResult { Snapshot.Snapshot: byte[] bytes }:
                    foreach (var (id, state) in PartitionSnapshot.Read(bytes, $"the snapshot of {persistenceId} at checkpoint {request.Number}")) _passivated[id] = state;
                    break;
                case Akka.Persistence.LoadSnapshotResult:
                    throw new InvalidDataException($"checkpoint {request.Number} is committed but the snapshot of {persistenceId} is missing");
                case Akka.Persistence.LoadSnapshotFailed failed:
                    throw new InvalidDataException($"the snapshot of {persistenceId} at checkpoint {request.Number} could not be read: {failed.Cause.Message}", failed.Cause);
                default:
                    Stash.Stash();
                    return;
            }
            requester.Tell(new KeyGroupRestored(_index, request.Number));
            UnbecomeStacked();
            Stash.UnstashAll();
        });
    }

    /// <summary>Moves series without a tick for the idle timeout out of the hot table.</summary>
    private void Passivate()
    {
        _now = Context.System.Scheduler.Now;
        List<string>? idle = null;
        foreach (var (id, series) in _active)
            if (_now - series.LastTick >= _idleTimeout!.Value) (idle ??= []).Add(id);
        if (idle is null) return;
        foreach (var id in idle)
        {
            _active.Remove(id, out var series);
            _passivated[id] = new StoredSeries(SeriesStateSerializer.Write(series!.State), series.State.LastTimestamp);
        }
    }

    private sealed class ActiveSeries(SeriesState state)
    {
        public SeriesState State { get; } = state;
        public DateTimeOffset LastTick { get; set; }

        /// <summary>The run's scores of this series, found on its first forecast after activation.</summary>
        public Metrics.SeriesScores? Scores { get; set; }
    }

    private sealed class ScanIdle
    {
        public static readonly ScanIdle Instance = new();
    }

    /// <summary>Asks a partition how many series it holds live and passivated.</summary>
    public sealed class CountSeries
    {
        public static readonly CountSeries Instance = new();
    }

    public sealed record SeriesCounts(int Active, int Passivated);
}
