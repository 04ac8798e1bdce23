using System.Diagnostics;
using Akka;
using Akka.Streams.Dsl;
using RnnStream.Feeds.Records;
using RnnStream.Feeds.Sources;

namespace RnnStream.Feeds.Parsing;

/// <summary>Raw lines to ticks and rejects, stamped with the time they entered the system. A line cut off by its connection's end is rejected whole, never read as data.</summary>
public static class ParsingFlow
{
    public static Flow<RawLine, FeedRecord, NotUsed> Create(RecordParser parser) =>
        Flow.Create<RawLine>().SelectMany(line =>
        {
            var records = new List<FeedRecord>(1);
            Parse(parser, line, records, Stopwatch.GetTimestamp());
            return (IEnumerable<FeedRecord>)records;
        });

    /// <summary>
    /// Lines read as fast as they are wanted (a file), parsed into batches of at least
    /// <paramref name="size"/> records, each line's stamped as it is parsed. Counted in records, not
    /// lines: a wide row is a tick per series, and a batch read ahead of the stream should hold about
    /// as many ticks whatever the format (the ticks of a batch wait for each other).
    /// </summary>
    public static IEnumerable<RecordBatch> Batched(IEnumerable<RawLine> lines, RecordParser parser, int size = RecordBatches.DefaultSize)
    {
        if (size < 1) throw new ArgumentOutOfRangeException(nameof(size), $"a batch holds at least one record, not {size}");
        var records = new List<FeedRecord>(size);
        foreach (var line in lines)
        {
            Parse(parser, line, records, Stopwatch.GetTimestamp());
            if (records.Count < size) continue;
            yield return new RecordBatch([.. records], records.Count);
            records.Clear();
        }
        if (records.Count > 0) yield return new RecordBatch([.. records], records.Count);
    }

    private static void Parse(RecordParser parser, RawLine line, List<FeedRecord> records, long receivedAt)
    {
        if (line.Truncated)
            records.Add(new Rejected(line.Text, RejectReason.TruncatedLine, "the connection closed before the line's newline", line.Offset));
        else parser.Parse(line.Text, line.Offset, records, receivedAt);
    }
}
