using System.Buffers;
using Akka.Actor;
using Akka.Event;
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

    /// <summary>Where the touch pass leaves its sum, so the compiler cannot drop its reads.</summary>
    private float _touched;
    private DateTimeOffset _now;

    /// <param name="restored">Series states from the last committed checkpoint; they come back live on their first tick.</param>
    public SeriesPartition(SeriesContext context, TimeSpan? idleTimeout, TimeSpan scanEvery, int index = 0, IReadOnlyDictionary<string, StoredSeries>? restored = null)
    {
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
        IReadOnlyDictionary<string, StoredSeries>? restored = null) =>
        Akka.Actor.Props.Create(() => new SeriesPartition(context, idleTimeout, scanEvery ?? TimeSpan.FromSeconds(1), index, restored));

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
            case KeyGroupTicks batch:
                _stream = Sender;
                Sender.Tell(OnBatch(batch));
                break;
            case ScanIdle:
                Passivate();
                break;
            case TakeSnapshot snapshot:
                Snapshot(snapshot);
                break;
            case CountSeries:
                Sender.Tell(new SeriesCounts(_active.Count, _passivated.Count));
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
        // Rented: the stream returns it to the pool once the predictions are on their way.
        var buffer = ArrayPool<Prediction>.Shared.Rent(Math.Max(ticks.Length, 1));
        var answers = buffer.AsSpan(0, ticks.Length);
        if (_batchSeries.Length < ticks.Length) _batchSeries = new ActiveSeries?[Math.Max(ticks.Length, 2 * _batchSeries.Length)];
        // Two passes: first find every tick's series and touch the memory its tick will use, so the
        // cache misses of the whole batch overlap instead of stalling one tick after another (with
        // thousands of series the states are far bigger than the cache; docs/RESULTS.md has the gain).
        float touched = 0;
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
                var prediction = answers[i] = _context.Forecaster.Process(series.State, tick, _context.Registry.Current, _addWindow);
                if (_context.Metrics is { } metrics) (series.Scores ??= metrics.ScoresFor(tick.SeriesId)).Record(prediction, metrics.ScoreFromOffset, metrics.IntervalZ, metrics.IntervalAlpha);
            }
            catch (Exception e)
            {
                answers[i] = Failed(tick, e);
            }
        }
        Array.Clear(_batchSeries, 0, ticks.Length);
        return new KeyGroupAnswers(batch.KeyGroup, buffer, ticks.Length);
    }

    private Prediction Failed(Tick tick, Exception error)
    {
        (_log ??= Context.GetLogger()).Warning(error, "series {0}: tick at {1} failed", tick.SeriesId, tick.RawTimestamp);
        return FailedPrediction.For(tick, error);
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
    /// Every series of the partition, as of the ticks received so far, handed to the snapshot store
    /// under the checkpoint's number; the store answers the coordinator. Serialized here, in order
    /// with the ticks, so the snapshot is exactly the state at the cut; stored asynchronously.
    /// </summary>
    private void Snapshot(TakeSnapshot request)
    {
        var states = new List<KeyValuePair<string, StoredSeries>>(_active.Count + _passivated.Count);
        foreach (var (id, series) in _active) states.Add(new(id, new StoredSeries(SeriesStateSerializer.Write(series.State), series.State.LastTimestamp)));
        states.AddRange(_passivated);
        var metadata = new Akka.Persistence.SnapshotMetadata(request.PersistenceId, request.Number, DateTime.UtcNow);
        request.Store.Tell(new Akka.Persistence.SaveSnapshot(metadata, PartitionSnapshot.Write(states)), request.ReplyTo);
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

    /// <summary>
    /// Store every series under checkpoint <paramref name="Number"/> as <paramref name="PersistenceId"/>
    /// (the durable name of this key group); the store's answer goes to <paramref name="ReplyTo"/>.
    /// </summary>
    public sealed record TakeSnapshot(long Number, string PersistenceId, IActorRef Store, IActorRef ReplyTo);

    /// <summary>Asks a partition how many series it holds live and passivated.</summary>
    public sealed class CountSeries
    {
        public static readonly CountSeries Instance = new();
    }

    public sealed record SeriesCounts(int Active, int Passivated);
}
