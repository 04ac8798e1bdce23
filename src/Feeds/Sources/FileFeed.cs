using System.Collections;
using System.Diagnostics;
using System.Text;
using Akka;
using Akka.Streams.Dsl;
using RnnStream.Feeds.Parsing;
using RnnStream.Feeds.Records;

namespace RnnStream.Feeds.Sources;

/// <summary>Replays a text file as fast as downstream takes it, many records to an element of the stream.</summary>
public static class FileFeed
{
    /// <summary>
    /// The records of <paramref name="path"/>'s lines (numbered from 0) after the first
    /// <paramref name="skipFirst"/> (a header), in batches of at most <paramref name="size"/> records
    /// (a wide row's ticks are never split, and a row of more series than that is a batch of its
    /// own): the stream's stages cost once per batch. The batches are pooled, their ticks made
    /// again in place, so a steady replay allocates nothing per accepted CSV line
    /// (<see cref="RecordParser.Parse(ReadOnlySpan{char}, long, RecordBatch, long)"/>). Invalid
    /// UTF-8 arrives as U+FFFD, which the parser rejects as invalid encoding instead of misreading.
    /// </summary>
    public static Source<RecordBatch, NotUsed> Records(string path, int skipFirst, RecordParser parser, int size = RecordBatches.DefaultSize)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"feed file '{path}' does not exist", path);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(size);
        return Source.FromEnumerator(() => new Batches(path, skipFirst, parser, size));
    }

    /// <summary>The file's lines parsed into pooled batches, one batch per step, each stamped as it is parsed.</summary>
    private sealed class Batches(string path, int skipFirst, RecordParser parser, int size) : IEnumerator<RecordBatch>
    {
        private readonly StreamReader _file = new(path, new UTF8Encoding(false, throwOnInvalidBytes: false), detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);
        private LineReader? _lines;
        private RecordBatchPool? _pool;
        private long _offset;
        private RecordBatch? _current;

        public RecordBatch Current => _current ?? throw new InvalidOperationException("no batch read yet");

        object IEnumerator.Current => Current;

        public bool MoveNext()
        {
            if (_lines is null)
            {
                _lines = new LineReader(_file);
                for (; _offset < skipFirst && _lines.TryRead(out _); _offset++)
                {
                }
            }
            RecordBatch? batch = null;
            while (true)
            {
                // A batch with room for what the next line can yield: a row is never split between two.
                int most = parser.MostRecordsPerLine;
                if (batch is null || batch.Room < most)
                {
                    if (batch is { Count: > 0 }) break;
                    if (_pool is null || _pool.Size < most) _pool = new RecordBatchPool(Math.Max(size, most));
                    batch = _pool.Rent();
                }
                if (!_lines.TryRead(out var line)) break;
                parser.Parse(line, _offset++, batch, Stopwatch.GetTimestamp());
            }
            _current = batch is { Count: > 0 } ? batch : null;
            return _current is not null;
        }

        public void Reset() => throw new NotSupportedException("a file feed is read once");

        public void Dispose() => _file.Dispose();
    }
}
