using Akka.Streams;
using Akka.Streams.Dsl;
using Akka.Streams.Stage;
using RnnStream.Feeds.Records;

namespace RnnStream.Feeds.Parsing;

/// <summary>
/// Splits validated records: each batch's rejects go to the quarantine, then the batch goes on down
/// the stream (unless it held no tick), where the router takes its ticks and passes the rejects by.
/// Each outlet has its own backpressure and keeps feed order, and no tick goes on before a reject
/// that came before it.
/// Akka's DivertTo does the same for single records but allocates about 64 bytes per element
/// (measured), a fifth of all a tick once allocated on the live path; this stage allocates nothing,
/// and a batch goes on as it came. Either outlet cancelling stops it, as DivertTo does.
/// </summary>
public sealed class RejectDivert : GraphStage<FanOutShape<RecordBatch, RecordBatch, Rejected>>
{
    private readonly Inlet<RecordBatch> _in = new("reject-divert.in");
    private readonly Outlet<RecordBatch> _ticks = new("reject-divert.ticks");
    private readonly Outlet<Rejected> _rejects = new("reject-divert.rejects");

    public override FanOutShape<RecordBatch, RecordBatch, Rejected> Shape => new(_in, _ticks, _rejects);

    /// <summary>The records' batches, with their rejects sent to <paramref name="quarantine"/> first (its materialized value is the flow's).</summary>
    public static Flow<RecordBatch, RecordBatch, TMat> To<TMat>(Sink<Rejected, TMat> quarantine) =>
        Flow.FromGraph(GraphDsl.Create(quarantine, (builder, sink) =>
        {
            var divert = builder.Add(new RejectDivert());
            builder.From(divert.Out1).To(sink);
            return new FlowShape<RecordBatch, RecordBatch>(divert.In, divert.Out0);
        }));

    protected override GraphStageLogic CreateLogic(Attributes inheritedAttributes) => new Logic(this);

    private sealed class Logic : GraphStageLogic
    {
        private readonly RejectDivert _stage;
        private RecordBatch? _pending;

        /// <summary>Where the pending batch stands: the rejects before this index have gone to the quarantine.</summary>
        private int _next;
        private bool _holdsTicks;

        public Logic(RejectDivert stage) : base(stage.Shape)
        {
            _stage = stage;
            SetHandler(stage._in, onPush: () =>
            {
                _pending = Grab(stage._in);
                _next = 0;
                _holdsTicks = false;
                Flush();
            }, onUpstreamFinish: () =>
            {
                if (_pending is null) CompleteStage();
            });
            SetHandler(stage._ticks, onPull: Flush, onDownstreamFinish: _ => CompleteStage());
            SetHandler(stage._rejects, onPull: Flush, onDownstreamFinish: _ => CompleteStage());
        }

        /// <summary>The batch held sends its rejects out as the quarantine wants them, then goes on itself once the ticks' outlet wants it; then the next is asked for, while either outlet has demand.</summary>
        private void Flush()
        {
            if (_pending is { } batch)
            {
                for (; _next < batch.Count; _next++)
                {
                    if (batch[_next] is not Rejected rejected)
                    {
                        _holdsTicks = true;
                        continue;
                    }
                    if (!IsAvailable(_stage._rejects)) return;
                    Push(_stage._rejects, rejected);
                }
                if (_holdsTicks)
                {
                    if (!IsAvailable(_stage._ticks)) return;
                    Push(_stage._ticks, batch);
                }
                _pending = null;
            }
            if (IsClosed(_stage._in)) CompleteStage();
            else if (!HasBeenPulled(_stage._in) && (IsAvailable(_stage._ticks) || IsAvailable(_stage._rejects))) Pull(_stage._in);
        }
    }
}
