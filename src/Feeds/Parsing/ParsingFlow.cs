using System.Diagnostics;
using Akka;
using Akka.Streams;
using Akka.Streams.Dsl;
using Akka.Streams.Stage;
using RnnStream.Feeds.Records;
using RnnStream.Feeds.Sources;

namespace RnnStream.Feeds.Parsing;

/// <summary>Raw lines to ticks and rejects, stamped with the time they entered the system. A line cut off by its connection's end is rejected whole, never read as data.</summary>
public static class ParsingFlow
{
    /// <summary>A record at a time, each made new.</summary>
    public static Flow<RawLine, FeedRecord, NotUsed> Create(RecordParser parser) =>
        Flow.Create<RawLine>().SelectMany(line =>
        {
            var records = new List<FeedRecord>(1);
            if (line.Truncated) records.Add(TruncatedLine(line));
            else parser.Parse(line.Text, line.Offset, records, Stopwatch.GetTimestamp());
            return (IEnumerable<FeedRecord>)records;
        });

    /// <summary>
    /// Lines as they arrive (a socket's), parsed into pooled batches as <see cref="RecordBatches.Gather"/>
    /// gathers records: it keeps parsing ahead, up to a batch's <paramref name="size"/> records,
    /// while what follows is busy, and hands over all it has whenever that asks, so a quiet feed's
    /// line goes on at once in a batch of one. The batches' ticks are made again in place
    /// (<see cref="RecordParser.Parse(ReadOnlySpan{char}, long, RecordBatch, long)"/>), so a line
    /// costs its text and no tick.
    /// </summary>
    public static Flow<RawLine, RecordBatch, NotUsed> Batched(RecordParser parser, int size = RecordBatches.DefaultSize) =>
        Flow.FromGraph(new BatchedStage(parser, size));

    private static Rejected TruncatedLine(RawLine line) =>
        new(line.Text, RejectReason.TruncatedLine, "the connection closed before the line's newline", line.Offset);

    private sealed class BatchedStage : GraphStage<FlowShape<RawLine, RecordBatch>>
    {
        private readonly RecordParser _parser;
        private readonly int _size;
        private readonly Inlet<RawLine> _in = new("parsed-batches.in");
        private readonly Outlet<RecordBatch> _out = new("parsed-batches.out");

        public BatchedStage(RecordParser parser, int size)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(size);
            _parser = parser;
            _size = size;
        }

        public override FlowShape<RawLine, RecordBatch> Shape => new(_in, _out);

        protected override GraphStageLogic CreateLogic(Attributes inheritedAttributes) => new Logic(this);

        private sealed class Logic : GraphStageLogic
        {
            private readonly BatchedStage _stage;
            private RecordBatchPool? _pool;
            private RecordBatch? _gathering;

            public Logic(BatchedStage stage) : base(stage.Shape)
            {
                _stage = stage;
                SetHandler(stage._in, onPush: () =>
                {
                    var line = Grab(stage._in);
                    var batch = Gathering();
                    if (line.Truncated) batch.Add(TruncatedLine(line));
                    else stage._parser.Parse(line.Text.AsSpan(), line.Offset, batch, Stopwatch.GetTimestamp());
                    if (IsAvailable(stage._out)) HandOver();
                    ReadAhead();
                }, onUpstreamFinish: () =>
                {
                    if (_gathering is not { Count: > 0 }) CompleteStage();
                });
                SetHandler(stage._out, onPull: () =>
                {
                    HandOver();
                    ReadAhead();
                });
            }

            public override void PreStart() => Pull(_stage._in);

            /// <summary>The batch being gathered, with room for what a line can yield (a header line read in the stream may widen that).</summary>
            private RecordBatch Gathering()
            {
                int most = _stage._parser.MostRecordsPerLine;
                if (_gathering is { } batch && batch.Room >= most) return batch;
                // A line is asked for only while there is room for it, or none of its records are in yet (ReadAhead).
                if (_gathering is { Count: > 0 }) throw new InvalidOperationException("a line came with no room for it in the batch being gathered");
                if (_pool is null || _pool.Size < most) _pool = new RecordBatchPool(Math.Max(_stage._size, most));
                return _gathering = _pool.Rent();
            }

            private void HandOver()
            {
                if (_gathering is not { Count: > 0 } batch) return;
                _gathering = null;
                Push(_stage._out, batch);
            }

            /// <summary>The next line asked for while the batch has room for it; the stage ends once the last batch is handed over.</summary>
            private void ReadAhead()
            {
                if (IsClosed(_stage._in))
                {
                    if (_gathering is not { Count: > 0 }) CompleteStage();
                }
                else if (!HasBeenPulled(_stage._in) && (_gathering is null || _gathering.Room >= _stage._parser.MostRecordsPerLine || _gathering.Count == 0))
                    Pull(_stage._in);
            }
        }
    }
}
