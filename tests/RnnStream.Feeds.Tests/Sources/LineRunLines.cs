using Akka.Streams.Dsl;
using RnnStream.Feeds.Sources;

namespace RnnStream.Feeds.Tests.Sources;

/// <summary>Runs of lines read back one line at a time, each with its position, for tests that look at lines, not at how they were gathered.</summary>
internal static class LineRunLines
{
    public static IReadOnlyList<RawLine> Lines(this LineRun run) =>
        Enumerable.Range(0, run.Count).Select(i => new RawLine(run.Text(i), run.FirstOffset + i, run.IsTruncated(i))).ToList();

    public static Source<RawLine, TMat> AsLines<TMat>(this Source<LineRun, TMat> runs) => runs.SelectMany(Lines);
}
