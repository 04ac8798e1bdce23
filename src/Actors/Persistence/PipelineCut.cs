using System.Text;
using RnnStream.Actors.Series;

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
    private const byte FormatVersion = 2;

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
            foreach (var window in ReplayWindows)
            {
                writer.Write(window.SeriesId);
                writer.Write(window.EndTime.Ticks);
                writer.Write(window.Steps);
                WriteFloats(writer, window.Inputs);
                WriteFloats(writer, window.Targets);
            }
            writer.Write(Metrics.Length);
            writer.Write(Metrics);
        }
        return buffer.ToArray();
    }

    public static PipelineCut FromBytes(byte[] bytes)
    {
        using var reader = new BinaryReader(new MemoryStream(bytes), Encoding.UTF8);
        byte version = reader.ReadByte();
        if (version != FormatVersion) throw new InvalidDataException($"checkpoint format {version} is not supported (this build reads {FormatVersion})");
        long number = reader.ReadInt64(), nextOffset = reader.ReadInt64();
        int skip = reader.ReadInt32();
        long written = reader.ReadInt64(), scheduleTicks = reader.ReadInt64();
        long trigger = reader.ReadInt64();
        long weightsVersion = reader.ReadInt64();
        int partitions = reader.ReadInt32();
        int count = reader.ReadInt32();
        var windows = new TrainingWindow[count];
        for (int i = 0; i < count; i++)
        {
            string seriesId = reader.ReadString();
            var endTime = new DateTime(reader.ReadInt64());
            int steps = reader.ReadInt32();
            windows[i] = new TrainingWindow(seriesId, endTime, ReadFloats(reader), ReadFloats(reader), steps);
        }
        var metrics = reader.ReadBytes(reader.ReadInt32());
        return new PipelineCut(number, nextOffset, skip, written, scheduleTicks, trigger < 0 ? null : new DateTime(trigger), weightsVersion, partitions, windows)
        {
            Metrics = metrics,
        };
    }

    private static void WriteFloats(BinaryWriter writer, float[] values)
    {
        writer.Write(values.Length);
        foreach (float value in values) writer.Write(value);
    }

    private static float[] ReadFloats(BinaryReader reader)
    {
        var values = new float[reader.ReadInt32()];
        for (int i = 0; i < values.Length; i++) values[i] = reader.ReadSingle();
        return values;
    }
}
