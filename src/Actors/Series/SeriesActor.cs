using Akka.Actor;
using Akka.Event;
using RnnStream.Actors.Protocol;
using RnnStream.Feeds.Records;

namespace RnnStream.Actors.Series;

/// <summary>
/// One series' live memory. Each tick is forecast with the weights current at that moment and the
/// prediction goes to the node's inbox. A tick that cannot be processed is reported as a failed
/// prediction; the actor and its state carry on. An untyped actor on purpose: a receive-actor's
/// per-instance handler tables would cost more memory than the series' own state.
/// </summary>
public sealed class SeriesActor : UntypedActor
{
    private readonly SeriesContext _context;
    private readonly SeriesState _state;
    private ILoggingAdapter? _log;

    public SeriesActor(string seriesId, SeriesContext context, SeriesState? state)
    {
        _context = context;
        _state = state ?? context.Forecaster.CreateState(seriesId, context.Registry.Current);
    }

    public static Props Props(string seriesId, SeriesContext context, SeriesState? state) =>
        Akka.Actor.Props.Create(() => new SeriesActor(seriesId, context, state));

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case Tick tick:
                Prediction prediction;
                try
                {
                    prediction = _context.Forecaster.Process(_state, tick, _context.Registry.Current, _context.Replay.Add);
                }
                catch (Exception e)
                {
                    (_log ??= Context.GetLogger()).Warning(e, "series {0}: tick at {1} failed", _state.SeriesId, tick.RawTimestamp);
                    prediction = FailedPrediction.For(tick, e);
                }
                _context.Inbox.Deliver(prediction);
                break;
            case StopAndHandOver:
                Context.Parent.Tell(new HandedOver(_state.SeriesId, _state));
                Context.Stop(Self);
                break;
            case GetSeriesState:
                Sender.Tell(_state);
                break;
            default:
                Unhandled(message);
                break;
        }
    }
}
