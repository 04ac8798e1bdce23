using System.Text;
using RnnStream.Actors.Series;

using RnnStream.Actors.Training;

namespace RnnStream.Actors.Persistence;

/// <summary>
/// What the stream side holds at a checkpoint, taken with nothing in flight: the feed offset to
/// resume from (and how many of its ticks were already taken, when a drain stopped inside a record), how many predictions the output had, where the retrain schedule stood, the weights
/// version in use, the replay buffer's windows and the run's scores. With the partitions' series states taken at the
/// same point of the feed, it is a consistent cut: a run resumed from it continues exactly as the
/// uninterrupted one did.
/// </summary>
public sealed record PipelineCut(
    long Number,
    long NextOffset,
    int SkipAtNextOffset,
    long PredictionsWritten,
    long ScheduleTicks,
    DateTime? NextRetrainTrigger,
    long WeightsVersion,
    int Partitions,
    IReadOnlyList<TrainingWindow> ReplayWindows)
{
    /// <summary>
    /// 3 seals the cut with a checksum; 2 added the run's scores. Formats 1 and 2 are still read (its scores start again at the resume); it was
    /// written in two layouts, with and without the ticks to skip at the next offset (added without a
    /// new version number), told apart by which one reads the bytes exactly to their end.
    /// </summary>
    private const byte FormatVersion = 3;

    /// <summary>The run's scores and counts at the cut (<see cref="Metrics.RunMetrics.ExportScores"/>); empty for none.</summary>
    public byte[] Metrics { get; init; } = [];

    public byte[] ToBytes()
    {
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(FormatVersion);
            writer.Write(Number);
            writer.Write(NextOffset);
            writer.Write(SkipAtNextOffset);
            writer.Write(PredictionsWritten);
            writer.Write(ScheduleTicks);
            writer.Write(NextRetrainTrigger?.Ticks ?? -1);
            writer.Write(WeightsVersion);
            writer.Write(Partitions);
            writer.Write(ReplayWindows.Count);
            foreach (var window in ReplayWindows) TrainingWindowFormat.Write(writer, window);
            writer.Write(Metrics.Length);
            writer.Write(Metrics);
        }
        return Model.Weights.Checksummed.Seal(buffer.ToArray());
    }

    /// <param name="what">Names the cut in an error.</param>
    public static PipelineCut FromBytes(byte[] bytes, string what = "the checkpoint")
    {
        byte version = bytes.Length > 0 ? bytes[0] : throw new InvalidDataException($"{what} is empty");
        Model.Weights.FormatVersions.Check("checkpoint", version, 1, FormatVersion);
        if (version >= 3) return Read(Model.Weights.Checksummed.Open(bytes, what), withSkip: true, withMetrics: true);
        if (version == 2) return Read(bytes, withSkip: true, withMetrics: true);
        try
        {
            return Read(bytes, withSkip: true, withMetrics: false);
        }
        catch (Exception e) when (e is EndOfStreamException or InvalidDataException or ArgumentException)
        {
            return Read(bytes, withSkip: false, withMetrics: false);
        }
    }

    private static PipelineCut Read(byte[] bytes, bool withSkip, bool withMetrics)
    {
        using var stream = new MemoryStream(bytes);
        using var reader = new BinaryReader(stream, Encoding.UTF8);
        reader.ReadByte();
        long number = reader.ReadInt64(), nextOffset = reader.ReadInt64();
        int skip = withSkip ? reader.ReadInt32() : 0;
        long written = reader.ReadInt64(), scheduleTicks = reader.ReadInt64();
        long trigger = reader.ReadInt64();
        long weightsVersion = reader.ReadInt64();
        int partitions = reader.ReadInt32();
        int count = reader.ReadInt32();
        if (count < 0 || count > bytes.Length) throw new InvalidDataException($"checkpoint: {count} replay windows");
        var windows = new TrainingWindow[count];
        for (int i = 0; i < count; i++) windows[i] = TrainingWindowFormat.Read(reader, "checkpoint");
        var metrics = withMetrics ? reader.ReadBytes(reader.ReadInt32()) : [];
        if (stream.Position != bytes.Length) throw new InvalidDataException($"checkpoint: {bytes.Length - stream.Position} bytes left over");
        return new PipelineCut(number, nextOffset, skip, written, scheduleTicks, trigger < 0 ? null : new DateTime(trigger), weightsVersion, partitions, windows)
        {
            Metrics = metrics,
        };
    }
}
