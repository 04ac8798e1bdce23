using Akka.Actor;
using RnnStream.Actors.Protocol;
using RnnStream.Feeds.Records;

namespace RnnStream.Actors.Series;

/// <summary>
/// The child-per-series parent of a single node (a cluster shard region takes its place across
/// nodes, with the same extractor). A tick for a series without an actor starts one, from the
/// state it handed over at passivation if it had one, and the sender learns the actor so later
/// ticks go to it directly. Ticks that arrive while a series is handing over wait here.
/// </summary>
public sealed class SeriesParent : UntypedActor
{
    private readonly SeriesContext _context;
    private readonly SeriesMessageExtractor _extractor = new();
    private readonly Dictionary<string, IActorRef> _children = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SeriesState> _passivated = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<(Tick Tick, IActorRef Sender)>> _waiting = new(StringComparer.Ordinal);

    public SeriesParent(SeriesContext context) => _context = context;

    public static Props Props(SeriesContext context) => Akka.Actor.Props.Create(() => new SeriesParent(context));

    protected override SupervisorStrategy SupervisorStrategy() =>
        new OneForOneStrategy(Decider.From(_ => Directive.Resume));

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case Tick tick:
                OnTick(tick, Sender);
                break;
            case Passivate passivate when _children.Remove(passivate.SeriesId, out var child):
                _waiting[passivate.SeriesId] = [];
                child.Tell(new StopAndHandOver(passivate.SeriesId));
                break;
            case Passivate:
                break;
            case HandedOver handedOver:
                _passivated[handedOver.SeriesId] = handedOver.State;
                if (_waiting.Remove(handedOver.SeriesId, out var waiting))
                    foreach (var (tick, sender) in waiting) OnTick(tick, sender);
                break;
            case GetSeriesState query:
                if (_children.TryGetValue(query.SeriesId, out var owner)) owner.Forward(query);
                else Sender.Tell(_passivated.TryGetValue(query.SeriesId, out var state) ? state : new Status.Failure(new KeyNotFoundException(query.SeriesId)));
                break;
            case CountPassivated:
                Sender.Tell(_passivated.Count);
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    private void OnTick(Tick tick, IActorRef sender)
    {
        string id = _extractor.EntityId(tick)!;
        if (_waiting.TryGetValue(id, out var queue))
        {
            queue.Add((tick, sender));
            return;
        }
        if (!_children.TryGetValue(id, out var child))
        {
            _passivated.Remove(id, out var state);
            child = Context.ActorOf(SeriesActor.Props(id, _context, state), ActorName(id));
            _children[id] = child;
            child.Tell(tick, sender);
            sender.Tell(new SeriesStarted(id, child));
            return;
        }
        child.Tell(tick, sender);
    }

    /// <summary>Series ids are free text; actor names are not. Escaped, and unique per incarnation.</summary>
    private static long _incarnation;

    private static string ActorName(string seriesId) =>
        $"{Uri.EscapeDataString(seriesId).Replace("%", "~", StringComparison.Ordinal)}-{Interlocked.Increment(ref _incarnation)}";

    /// <summary>Asks how many series are passivated (held as state without an actor).</summary>
    public sealed class CountPassivated
    {
        public static readonly CountPassivated Instance = new();
    }
}
