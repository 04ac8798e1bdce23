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
    /// <paramref name="skipFirst"/> (a header), in batches of about <paramref name="size"/>
    /// (<see cref="ParsingFlow.Batched"/>): the stream's stages cost once per batch. Invalid UTF-8
    /// arrives as U+FFFD, which the parser rejects as invalid encoding instead of misreading.
    /// </summary>
    public static Source<RecordBatch, NotUsed> Records(string path, int skipFirst, RecordParser parser, int size = RecordBatches.DefaultSize)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"feed file '{path}' does not exist", path);
        return Source.FromEnumerator(() => ParsingFlow.Batched(Read(path).Skip(skipFirst), parser, size).GetEnumerator());
    }

    private static IEnumerable<RawLine> Read(string path)
    {
        using var reader = new StreamReader(path, new UTF8Encoding(false, throwOnInvalidBytes: false), detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);
        long offset = 0;
        while (reader.ReadLine() is { } line)
            yield return new RawLine(line, offset++);
    }
}
