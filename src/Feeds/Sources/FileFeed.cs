using System.Text;
using Akka;
using Akka.Streams.Dsl;

namespace RnnStream.Feeds.Sources;

/// <summary>Replays a text file as fast as downstream takes it, many lines to an element of the stream.</summary>
public static class FileFeed
{
    /// <summary>
    /// Lines of <paramref name="path"/>, numbered from 0, <paramref name="size"/> at a time (the last
    /// batch may hold fewer), after the first <paramref name="skipFirst"/> (a header). A batch becomes
    /// one <see cref="Records.RecordBatch"/> once parsed, so the stream's stages cost once per batch.
    /// Invalid UTF-8 arrives as U+FFFD, which the parser rejects as invalid encoding instead of misreading.
    /// </summary>
    public static Source<RawLine[], NotUsed> LineBatches(string path, int skipFirst, int size = RecordBatches.DefaultSize)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"feed file '{path}' does not exist", path);
        if (size < 1) throw new ArgumentOutOfRangeException(nameof(size), $"a batch holds at least one line, not {size}");
        return Source.FromEnumerator(() => Read(path).Skip(skipFirst).Chunk(size).GetEnumerator());
    }

    private static IEnumerable<RawLine> Read(string path)
    {
        using var reader = new StreamReader(path, new UTF8Encoding(false, throwOnInvalidBytes: false), detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);
        long offset = 0;
        while (reader.ReadLine() is { } line)
            yield return new RawLine(line, offset++);
    }
}
