using System.Text;
using Akka;
using Akka.Streams.Dsl;

namespace RnnStream.Feeds.Sources;

/// <summary>Replays a text file line by line, as fast as downstream takes them.</summary>
public static class FileFeed
{
    /// <summary>
    /// Lines of <paramref name="path"/>, numbered from 0. Invalid UTF-8 arrives as U+FFFD, which the
    /// parser rejects as invalid encoding instead of misreading.
    /// </summary>
    public static Source<RawLine, NotUsed> Lines(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"feed file '{path}' does not exist", path);
        return Source.FromEnumerator(() => Read(path).GetEnumerator());
    }

    private static IEnumerable<RawLine> Read(string path)
    {
        using var reader = new StreamReader(path, new UTF8Encoding(false, throwOnInvalidBytes: false), detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);
        long offset = 0;
        while (reader.ReadLine() is { } line)
            yield return new RawLine(line, offset++);
    }
}
