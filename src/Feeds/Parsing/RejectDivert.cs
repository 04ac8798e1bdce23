using Akka.Streams;
using Akka.Streams.Dsl;
using Akka.Streams.Stage;
using RnnStream.Feeds.Records;

namespace RnnStream.Feeds.Parsing;

/// <summary>
/// Splits validated records: ticks go on down the stream, rejects to the quarantine, each outlet
/// with its own backpressure and both in feed order. Akka's DivertTo does the same but allocates
/// about 64 bytes per element (measured), a fifth of all a tick allocates on the live path; this
/// stage allocates nothing per element. Either outlet cancelling stops it, as DivertTo does.
/// </summary>
public sealed class RejectDivert : GraphStage<FanOutShape<FeedRecord, Tick, Rejected>>
{
    private readonly Inlet<FeedRecord> _in = new("reject-divert.in");
    private readonly Outlet<Tick> _ticks = new("reject-divert.ticks");
    private readonly Outlet<Rejected> _rejects = new("reject-divert.rejects");

    public override FanOutShape<FeedRecord, Tick, Rejected> Shape => new(_in, _ticks, _rejects);

    /// <summary>The records' ticks, with the rejects sent to <paramref name="quarantine"/> (its materialized value is the flow's).</summary>
    public static Flow<FeedRecord, Tick, TMat> To<TMat>(Sink<Rejected, TMat> quarantine) =>
        Flow.FromGraph(GraphDsl.Create(quarantine, (builder, sink) =>
        {
            var divert = builder.Add(new RejectDivert());
            builder.From(divert.Out1).To(sink);
            return new FlowShape<FeedRecord, Tick>(divert.In, divert.Out0);
        }));

    protected override GraphStageLogic CreateLogic(Attributes inheritedAttributes) => new Logic(this);

    private sealed class Logic : GraphStageLogic
    {
        private readonly RejectDivert _stage;
        private FeedRecord? _pending;

        public Logic(RejectDivert stage) : base(stage.Shape)
        {
            _stage = stage;
            SetHandler(stage._in, onPush: () =>
            {
                _pending = Grab(stage._in);
                Flush();
            }, onUpstreamFinish: () =>
            {
                if (_pending is null) CompleteStage();
            });
            SetHandler(stage._ticks, onPull: Flush, onDownstreamFinish: _ => CompleteStage());
            SetHandler(stage._rejects, onPull: Flush, onDownstreamFinish: _ => CompleteStage());
        }

        /// <summary>The record held goes out where it belongs once that outlet wants it; then the next is asked for, while either outlet has demand.</summary>
        private void Flush()
        {
            switch (_pending)
            {
                case Tick tick when IsAvailable(_stage._ticks):
                    Push(_stage._ticks, tick);
                    _pending = null;
                    break;
                case Rejected rejected when IsAvailable(_stage._rejects):
                    Push(_stage._rejects, rejected);
                    _pending = null;
                    break;
            }
            if (_pending is not null) return;
            if (IsClosed(_stage._in)) CompleteStage();
            else if (!HasBeenPulled(_stage._in) && (IsAvailable(_stage._ticks) || IsAvailable(_stage._rejects))) Pull(_stage._in);
        }
    }
}
