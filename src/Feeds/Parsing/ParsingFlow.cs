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

    private const string TruncatedReason = "the connection closed before the line's newline";

    private static Rejected TruncatedLine(RawLine line) => new(line.Text, RejectReason.TruncatedLine, TruncatedReason, line.Offset);

    /// <summary>
    /// Runs of lines as they arrive (a socket's), parsed into pooled batches as <see cref="RecordBatches.Gather"/>
    /// gathers records: it keeps parsing ahead, up to a batch's <paramref name="size"/> records,
    /// while what follows is busy, and hands over all it has whenever that asks, so a quiet feed's
    /// line goes on at once in a batch of one. The batches' ticks are made again in place
    /// (<see cref="RecordParser.Parse(ReadOnlySpan{char}, long, RecordBatch, long)"/>) from the
    /// run's text, and a run is given back once its last line is parsed, so a line allocates
    /// nothing unless it is rejected.
    /// </summary>
    public static Flow<LineRun, RecordBatch, NotUsed> Batched(RecordParser parser, int size = RecordBatches.DefaultSize) =>
        Flow.FromGraph(new BatchedStage(parser, size));

    private sealed class BatchedStage : GraphStage<FlowShape<LineRun, RecordBatch>>
    {
        private readonly RecordParser _parser;
        private readonly int _size;
        private readonly Inlet<LineRun> _in = new("parsed-batches.in");
        private readonly Outlet<RecordBatch> _out = new("parsed-batches.out");

        public BatchedStage(RecordParser parser, int size)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(size);
            _parser = parser;
            _size = size;
        }

        public override FlowShape<LineRun, RecordBatch> Shape => new(_in, _out);

        protected override GraphStageLogic CreateLogic(Attributes inheritedAttributes) => new Logic(this);

        private sealed class Logic : GraphStageLogic
        {
            private readonly BatchedStage _stage;
            private RecordBatchPool? _pool;
            private RecordBatch? _gathering;
            private LineRun? _run;
            private int _next;

            public Logic(BatchedStage stage) : base(stage.Shape)
            {
                _stage = stage;
                SetHandler(stage._in, onPush: () =>
                {
                    _run = Grab(stage._in);
                    _next = 0;
                    Parse();
                }, onUpstreamFinish: ReadAhead);
                SetHandler(stage._out, onPull: () =>
                {
                    HandOver();
                    Parse();
                });
            }

            public override void PreStart() => Pull(_stage._in);

            /// <summary>The run's lines, as far as the batch has room; a full batch goes on if it is asked for, and the parse goes on into the next.</summary>
            private void Parse()
            {
                while (_run is { } run)
                {
                    var batch = Gathering();
                    if (batch is null) break;
                    long receivedAt = Stopwatch.GetTimestamp();
                    int most = _stage._parser.MostRecordsPerLine;
                    for (; _next < run.Count && batch.Room >= most; _next++)
                    {
                        long offset = run.FirstOffset + _next;
                        if (run.IsTruncated(_next)) batch.Add(new Rejected(run.Text(_next), RejectReason.TruncatedLine, TruncatedReason, offset));
                        else _stage._parser.Parse(run.Line(_next), offset, batch, receivedAt);
                    }
                    if (_next == run.Count)
                    {
                        _run = null;
                        run.Release();
                    }
                    else if (IsAvailable(_stage._out)) HandOver();
                    else break;
                }
                if (IsAvailable(_stage._out)) HandOver();
                ReadAhead();
            }

            /// <summary>The batch being gathered if it has room for what a line can yield (a header line read in the stream may widen that), a new one if none is; null while a full one waits to be asked for.</summary>
            private RecordBatch? Gathering()
            {
                int most = _stage._parser.MostRecordsPerLine;
                if (_gathering is { } batch)
                {
                    if (batch.Room >= most) return batch;
                    if (batch.Count > 0) return null;
                }
                if (_pool is null || _pool.Size < most) _pool = new RecordBatchPool(Math.Max(_stage._size, most));
                return _gathering = _pool.Rent();
            }

            private void HandOver()
            {
                if (_gathering is not { Count: > 0 } batch) return;
                _gathering = null;
                Push(_stage._out, batch);
            }

            /// <summary>The next run asked for once this one is parsed; the stage ends once the last batch is handed over.</summary>
            private void ReadAhead()
            {
                if (_run is not null) return;
                if (IsClosed(_stage._in))
                {
                    if (_gathering is not { Count: > 0 }) CompleteStage();
                }
                else if (!HasBeenPulled(_stage._in) && (_gathering is null || _gathering.Count == 0 || _gathering.Room >= _stage._parser.MostRecordsPerLine)) Pull(_stage._in);
            }
        }
    }
}
