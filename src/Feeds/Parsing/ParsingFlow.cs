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

    private static void Parse(RecordParser parser, RawLine line, List<FeedRecord> records, long receivedAt)
    {
        if (line.Truncated)
            records.Add(new Rejected(line.Text, RejectReason.TruncatedLine, "the connection closed before the line's newline", line.Offset));
        else parser.Parse(line.Text, line.Offset, records, receivedAt);
    }
}
