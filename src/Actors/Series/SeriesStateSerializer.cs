using System.Text;
using RnnStream.Model.Inference;

namespace RnnStream.Actors.Series;

/// <summary>
/// A series' state as bytes: versioned, explicit field by field, no type names. Passivated series
/// and partition snapshots keep it. A round trip is bit-exact, so a restored series forecasts
/// exactly what it would have. Format 2 (no blend of network and ridge) is still read: its blend
/// starts afresh.
/// </summary>
public static class SeriesStateSerializer
{
    private const byte FormatVersion = 3;

    /// <summary>The first format a release wrote to disk (format 1 only ever lived in memory).</summary>
    private const byte OldestFormat = 2;

    public static byte[] Write(SeriesState state)
    {
        using var buffer = new MemoryStream(EstimatedSize(state));
        using (var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(FormatVersion);
            writer.Write(state.SeriesId);
            WriteArray(writer, state.Hidden.Values);
            WriteNormalizer(writer, state.Normalizer);
            writer.Write(state.Changes is not null);
            if (state.Changes is { } changes) WriteNormalizer(writer, changes);
            WriteArray(writer, state.RecentValues);
            writer.Write(state.RecentSeconds.Length);
            WriteRaw<int>(writer, state.RecentSeconds);
            writer.Write(state.RecentCount);
            writer.Write(state.RecentStart);
            writer.Write(state.Origin.Ticks);
            WriteArray(writer, state.Owed);
            writer.Write(state.ResidualSquares.Length);
            foreach (double square in state.ResidualSquares) writer.Write(square);
            writer.Write(state.Residuals);
            writer.Write(state.NetworkError);
            writer.Write(state.PersistenceError);
            writer.Write(state.RidgeError);
            writer.Write(state.CombinedError);
            WriteArray(writer, state.RidgeWeights);
            WriteArray(writer, state.RidgeInverse);
            WriteArray(writer, state.BlendWeights);
            WriteArray(writer, state.BlendInverse);
            WriteArray(writer, state.SeasonalHistory);
            writer.Write(state.TicksSeen);
            writer.Write(state.LastTimestamp.Ticks);
            writer.Write(state.LastStep.Ticks);
            writer.Write(state.WeightsVersion);
        }
        return buffer.ToArray();
    }

    private static int EstimatedSize(SeriesState state) =>
        256 + 2 * state.SeriesId.Length + 4 * (state.Hidden.Values.Length + state.RecentValues.Length + state.RecentSeconds.Length + state.Owed.Length + state.SeasonalHistory.Length)
        + 8 * (state.RidgeWeights.Length + state.RidgeInverse.Length + state.BlendWeights.Length + state.BlendInverse.Length + 4 * state.ResidualSquares.Length + 16);

    /// <summary>Restores a state written by <see cref="Write"/> for the same settings and model layout.</summary>
    public static SeriesState Read(byte[] bytes, SeriesSettings settings, StateLayout layout)
    {
        using var reader = new BinaryReader(new MemoryStream(bytes), Encoding.UTF8);
        byte version = reader.ReadByte();
        Model.Weights.FormatVersions.Check("series state", version, OldestFormat, FormatVersion);
        bool hasBlend = version >= 3;
        var state = new SeriesState(reader.ReadString(), settings, layout);
        ReadArray(reader, state.Hidden.Values, "hidden state");
        ReadNormalizer(reader, state.Normalizer);
        bool hasChanges = reader.ReadBoolean();
        if (hasChanges != state.Changes is not null) throw new InvalidDataException("the state was written for another target mode (level or change)");
        if (state.Changes is { } changes) ReadNormalizer(reader, changes);
        ReadArray(reader, state.RecentValues, "recent values");
        int recent = reader.ReadInt32();
        // States written before times were kept only for time features hold a window of times; without them they are read past.
        if (recent == state.RecentCapacity && state.RecentSeconds.Length == 0) reader.BaseStream.Seek(4L * recent, SeekOrigin.Current);
        else if (recent != state.RecentSeconds.Length) throw new InvalidDataException($"the state keeps the times of {recent} recent ticks, the settings {state.RecentSeconds.Length}");
        else ReadRaw<int>(reader, state.RecentSeconds);
        state.RecentCount = reader.ReadInt32();
        state.RecentStart = reader.ReadInt32();
        state.Origin = new DateTime(reader.ReadInt64());
        if (hasBlend) ReadArray(reader, state.Owed, "owed forecasts");
        else ReadOwedWithoutBlend(reader, state.Owed, settings.Targets);
        int squares = reader.ReadInt32();
        if (squares != state.ResidualSquares.Length) throw new InvalidDataException("the state was written for another number of targets");
        for (int i = 0; i < squares; i++) state.ResidualSquares[i] = reader.ReadDouble();
        state.Residuals = reader.ReadInt64();
        state.NetworkError = reader.ReadDouble();
        state.PersistenceError = reader.ReadDouble();
        state.RidgeError = reader.ReadDouble();
        if (hasBlend) state.CombinedError = reader.ReadDouble();
        ReadArray(reader, state.RidgeWeights, "ridge weights");
        ReadArray(reader, state.RidgeInverse, "ridge covariance");
        if (hasBlend)
        {
            ReadArray(reader, state.BlendWeights, "blend weights");
            ReadArray(reader, state.BlendInverse, "blend covariance");
        }
        ReadArray(reader, state.SeasonalHistory, "seasonal history");
        state.TicksSeen = reader.ReadInt64();
        state.LastTimestamp = new DateTime(reader.ReadInt64());
        state.LastStep = new TimeSpan(reader.ReadInt64());
        state.WeightsVersion = reader.ReadInt64();
        return state;
    }

    private static void WriteNormalizer(BinaryWriter writer, Model.Preprocessing.OnlineNormalizer normalizer)
    {
        Span<double> values = stackalloc double[normalizer.StateLength];
        normalizer.ExportState(values);
        writer.Write(values.Length);
        foreach (double value in values) writer.Write(value);
    }

    private static void ReadNormalizer(BinaryReader reader, Model.Preprocessing.OnlineNormalizer normalizer)
    {
        int length = reader.ReadInt32();
        if (length != normalizer.StateLength) throw new InvalidDataException("the state was written for another number of features");
        Span<double> values = stackalloc double[length];
        for (int i = 0; i < length; i++) values[i] = reader.ReadDouble();
        normalizer.ImportState(values);
    }

    /// <summary>
    /// Format 2's owed forecasts: six values per target and horizon slot (published, lower, upper,
    /// persistence, network, ridge); the seventh, the blend's forecast, is owed nothing (NaN) until
    /// the series forecasts again.
    /// </summary>
    private static void ReadOwedWithoutBlend(BinaryReader reader, Span<float> owed, int targets)
    {
        int stride = SeriesState.OwedStride(targets), oldStride = stride - targets;
        int slots = owed.Length / stride;
        int length = reader.ReadInt32();
        if (length != slots * oldStride) throw new InvalidDataException($"owed forecasts: {length} values in the state, {slots * oldStride} expected");
        owed.Fill(float.NaN);
        for (int slot = 0; slot < slots; slot++) ReadRaw(reader, owed.Slice(slot * stride, oldStride));
    }

    /// <summary>A length, then the numbers in one block.</summary>
    private static void WriteArray<T>(BinaryWriter writer, ReadOnlySpan<T> values) where T : unmanaged
    {
        writer.Write(values.Length);
        WriteRaw(writer, values);
    }

    /// <summary>What <see cref="WriteArray{T}"/> wrote, into a destination of the length this build expects.</summary>
    private static void ReadArray<T>(BinaryReader reader, Span<T> destination, string what) where T : unmanaged
    {
        int length = reader.ReadInt32();
        if (length != destination.Length) throw new InvalidDataException($"{what}: {length} values in the state, {destination.Length} expected");
        ReadRaw(reader, destination);
    }

    /// <summary>
    /// Numbers as their little-endian bytes in one block (what BinaryWriter writes one by one, ten
    /// times faster: every series is serialized at every checkpoint).
    /// </summary>
    private static void WriteRaw<T>(BinaryWriter writer, ReadOnlySpan<T> values) where T : unmanaged
    {
        if (BitConverter.IsLittleEndian) writer.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values));
        else
            foreach (var value in values)
                switch (value)
                {
                    case float f: writer.Write(f); break;
                    case double d: writer.Write(d); break;
                    case int i: writer.Write(i); break;
                }
    }

    private static void ReadRaw<T>(BinaryReader reader, Span<T> destination) where T : unmanaged
    {
        var bytes = System.Runtime.InteropServices.MemoryMarshal.AsBytes(destination);
        if (BitConverter.IsLittleEndian)
        {
            if (reader.Read(bytes) != bytes.Length) throw new EndOfStreamException("the state ends early");
            return;
        }
        for (int i = 0; i < destination.Length; i++)
            destination[i] = destination[i] switch
            {
                float => (T)(object)reader.ReadSingle(),
                double => (T)(object)reader.ReadDouble(),
                _ => (T)(object)reader.ReadInt32(),
            };
    }
}
