using Akka.Actor;
using Akka.Event;
using RnnStream.Feeds.Records;

namespace RnnStream.Actors.Series;

/// <summary>
/// The actor that holds the live memory of a fixed slice of the series (those whose id hashes to
/// it). Each series keeps its own state object, updated only here, so a series is still processed
/// strictly in order by one actor; but thousands of series share one mailbox, so under load a
/// mailbox run takes many ticks at once instead of waking a thread per tick.
/// Idle series are passivated: their state leaves the hot table as compact bytes (a few hundred,
/// against the live objects' couple of kilobytes) and comes back, bit for bit, on their next tick.
/// </summary>
public sealed class SeriesPartition : UntypedActor, IWithTimers
{
    private const string IdleTimer = "idle";
    private readonly SeriesContext _context;
    private readonly TimeSpan? _idleTimeout;
    private readonly Dictionary<string, ActiveSeries> _active = new(StringComparer.Ordinal);
    private readonly Dictionary<string, byte[]> _passivated = new(StringComparer.Ordinal);
    private ILoggingAdapter? _log;
    private DateTimeOffset _now;

    /// <param name="restored">Series states from the last committed checkpoint; they come back live on their first tick.</param>
    public SeriesPartition(SeriesContext context, TimeSpan? idleTimeout, TimeSpan scanEvery, int index = 0, IReadOnlyDictionary<string, byte[]>? restored = null)
    {
        _context = context;
        _idleTimeout = idleTimeout;
        _scanEvery = scanEvery;
        _index = index;
        if (restored is not null)
            foreach (var (id, state) in restored) _passivated[id] = state;
    }

    private readonly int _index;

    private readonly TimeSpan _scanEvery;

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(SeriesContext context, TimeSpan? idleTimeout = null, TimeSpan? scanEvery = null, int index = 0,
        IReadOnlyDictionary<string, byte[]>? restored = null) =>
        Akka.Actor.Props.Create(() => new SeriesPartition(context, idleTimeout, scanEvery ?? TimeSpan.FromSeconds(1), index, restored));

    protected override void PreStart()
    {
        _now = Context.System.Scheduler.Now;
        if (_idleTimeout is not null) Timers.StartPeriodicTimer(IdleTimer, ScanIdle.Instance, _scanEvery);
    }

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case Tick tick:
                OnTick(tick);
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
    /// tick does may throw out of here, since a restart would lose every series of the partition
    /// and the stream would wait forever for the tick's answer.
    /// </summary>
    private void OnTick(Tick tick)
    {
        Prediction prediction;
        try
        {
            var series = Activate(tick.SeriesId);
            if (_idleTimeout is not null) series.LastTick = _now;
            prediction = _context.Forecaster.Process(series.State, tick, _context.Registry.Current, _context.Replay.Add);
        }
        catch (Exception e)
        {
            (_log ??= Context.GetLogger()).Warning(e, "series {0}: tick at {1} failed", tick.SeriesId, tick.RawTimestamp);
            prediction = FailedPrediction.For(tick, e);
        }
        _context.Inbox.Deliver(prediction);
    }

    /// <summary>The series' live state: already live, restored from passivation, or new.</summary>
    private ActiveSeries Activate(string seriesId)
    {
        if (_active.TryGetValue(seriesId, out var series)) return series;
        var state = _passivated.TryGetValue(seriesId, out var kept)
            ? SeriesStateSerializer.Read(kept, _context.Forecaster.Settings, _context.Registry.Current.StateLayout)
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
        var states = new List<KeyValuePair<string, byte[]>>(_active.Count + _passivated.Count);
        foreach (var (id, series) in _active) states.Add(new(id, SeriesStateSerializer.Write(series.State)));
        states.AddRange(_passivated);
        var metadata = new Akka.Persistence.SnapshotMetadata(Persistence.CheckpointCoordinator.PartitionId(_index), request.Number, DateTime.UtcNow);
        request.Store.Tell(new Akka.Persistence.SaveSnapshot(metadata, Persistence.PartitionSnapshot.Write(states)), request.ReplyTo);
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
            _passivated[id] = SeriesStateSerializer.Write(series!.State);
        }
    }

    private sealed class ActiveSeries(SeriesState state)
    {
        public SeriesState State { get; } = state;
        public DateTimeOffset LastTick { get; set; }
    }

    private sealed class ScanIdle
    {
        public static readonly ScanIdle Instance = new();
    }

    /// <summary>Store every series under checkpoint <paramref name="Number"/>; the store's answer goes to <paramref name="ReplyTo"/>.</summary>
    public sealed record TakeSnapshot(long Number, IActorRef Store, IActorRef ReplyTo);

    /// <summary>Asks a partition how many series it holds live and passivated.</summary>
    public sealed class CountSeries
    {
        public static readonly CountSeries Instance = new();
    }

    public sealed record SeriesCounts(int Active, int Passivated);
}
