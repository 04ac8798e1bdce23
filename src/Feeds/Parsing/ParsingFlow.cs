using System.Diagnostics;
using Akka;
using Akka.Streams.Dsl;
using RnnStream.Feeds.Records;
using RnnStream.Feeds.Sources;

namespace RnnStream.Feeds.Parsing;

/// <summary>Raw lines to ticks and rejects, stamped with the time they entered the system.</summary>
public static class ParsingFlow
{
    public static Flow<RawLine, FeedRecord, NotUsed> Create(RecordParser parser) =>
        Flow.Create<RawLine>().SelectMany(line =>
        {
            var records = new List<FeedRecord>(1);
            parser.Parse(line.Text, line.Offset, records, Stopwatch.GetTimestamp());
            return (IEnumerable<FeedRecord>)records;
        });
}
