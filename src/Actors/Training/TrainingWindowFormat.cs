namespace RnnStream.Actors.Training;

/// <summary>
/// The binary form of a training window, the same in a checkpoint's replay buffer and on the wire
/// to a cluster's trainer: series, end time (ticks), steps, inputs, targets. Reading checks every
/// length against the bytes left, so damage is an error, not a huge allocation.
/// </summary>
public static class TrainingWindowFormat
{
    public static void Write(BinaryWriter writer, TrainingWindow window)
    {
        writer.Write(window.SeriesId);
        writer.Write(window.EndTime.Ticks);
        writer.Write(window.Steps);
        WriteFloats(writer, window.Inputs);
        WriteFloats(writer, window.Targets);
    }

    /// <param name="what">Names the container in an error (e.g. "checkpoint").</param>
    public static TrainingWindow Read(BinaryReader reader, string what)
    {
        string seriesId = reader.ReadString();
        var endTime = new DateTime(reader.ReadInt64());
        int steps = reader.ReadInt32();
        return new TrainingWindow(seriesId, endTime, ReadFloats(reader, what), ReadFloats(reader, what), steps);
    }

    private static void WriteFloats(BinaryWriter writer, float[] values)
    {
        writer.Write(values.Length);
        foreach (float value in values) writer.Write(value);
    }

    private static float[] ReadFloats(BinaryReader reader, string what)
    {
        int length = reader.ReadInt32();
        if (length < 0 || 4L * length > reader.BaseStream.Length - reader.BaseStream.Position)
            throw new InvalidDataException($"{what}: {length} numbers where {reader.BaseStream.Length - reader.BaseStream.Position} bytes are left");
        var values = new float[length];
        for (int i = 0; i < values.Length; i++) values[i] = reader.ReadSingle();
        return values;
    }
}
