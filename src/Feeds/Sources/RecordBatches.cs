using Akka;
using Akka.Streams;
using Akka.Streams.Dsl;
using Akka.Streams.Stage;
using RnnStream.Feeds.Records;

namespace RnnStream.Feeds.Sources;

/// <summary>
/// A feed of single records made a feed of <see cref="RecordBatch"/>es. It keeps reading ahead, up to
/// a batch's size, while what follows is busy, and hands over all it has whenever that asks: a quiet
/// feed's record goes on at once in a batch of one, a busy one's in batches of up to the size, so
/// the stages after it cost once per batch.
/// </summary>
public static class RecordBatches
{
    /// <summary>What the feeds' own batches hold at most: large enough that a stage's cost per element is a fraction of a percent of its ticks' work.</summary>
    public const int DefaultSize = 256;

    public static Flow<FeedRecord, RecordBatch, NotUsed> Gather(int size = DefaultSize) => Flow.FromGraph(new GatherStage(size));

    private sealed class GatherStage : GraphStage<FlowShape<FeedRecord, RecordBatch>>
    {
        private readonly int _size;
        private readonly Inlet<FeedRecord> _in = new("record-batches.in");
        private readonly Outlet<RecordBatch> _out = new("record-batches.out");

        public GatherStage(int size)
        {
            if (size < 1) throw new ArgumentOutOfRangeException(nameof(size), $"a batch holds at least one record, not {size}");
            _size = size;
        }

        public override FlowShape<FeedRecord, RecordBatch> Shape => new(_in, _out);

        protected override GraphStageLogic CreateLogic(Attributes inheritedAttributes) => new Logic(this);

        private sealed class Logic : GraphStageLogic
        {
            private readonly GatherStage _stage;

            // Reused: each batch gets an array of its own length, so a batch of one costs what one record does, not a full batch's array.
            private readonly FeedRecord[] _gathered;
            private int _count;

            public Logic(GatherStage stage) : base(stage.Shape)
            {
                _stage = stage;
                _gathered = new FeedRecord[stage._size];
                SetHandler(stage._in, onPush: () =>
                {
                    _gathered[_count++] = Grab(stage._in);
                    if (IsAvailable(stage._out)) HandOver();
                    ReadAhead();
                }, onUpstreamFinish: () =>
                {
                    if (_count == 0) CompleteStage();
                });
                SetHandler(stage._out, onPull: () =>
                {
                    if (_count > 0) HandOver();
                    ReadAhead();
                });
            }

            public override void PreStart() => Pull(_stage._in);

            private void HandOver()
            {
                var records = new FeedRecord[_count];
                Array.Copy(_gathered, records, _count);
                Array.Clear(_gathered, 0, _count);
                _count = 0;
                Push(_stage._out, new RecordBatch(records, records.Length));
            }

            private void ReadAhead()
            {
                if (IsClosed(_stage._in))
                {
                    if (_count == 0) CompleteStage();
                }
                else if (_count < _stage._size && !HasBeenPulled(_stage._in)) Pull(_stage._in);
            }
        }
    }
}
