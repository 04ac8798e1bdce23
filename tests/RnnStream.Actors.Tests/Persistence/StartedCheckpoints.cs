using RnnStream.Actors.Persistence;
using RnnStream.Feeds.Sinks;

namespace RnnStream.Actors.Tests.Persistence;

/// <summary>Checkpoints as the stream would start them, for a coordinator on its own: no key group, an output already flushed.</summary>
internal static class StartedCheckpoints
{
    public static PipelineCut Cut(long number) => new(number, NextOffset: number * 8, 0, PredictionsWritten: number * 8, 0, null, 0, Partitions: 0, []);

    public static CheckpointStarted Numbered(long number) => new(Cut(number), Task.FromResult(new OutputMark(number * 100, [])));
}
