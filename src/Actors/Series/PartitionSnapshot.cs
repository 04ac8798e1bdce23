using System.Text;

namespace RnnStream.Actors.Series;

/// <summary>
/// One partition's series at a checkpoint: each series id with its state in the series-state
/// format (<see cref="Series.SeriesStateSerializer"/>) and the time of its last tick, live and
/// passivated alike.
/// </summary>
public static class PartitionSnapshot
{
    /// <summary>3 keeps each series' last time; 2 seals the snapshot with a checksum. 1 and 2 are still read (no times: none restored).</summary>
    private const byte FormatVersion = 3;

    public static byte[] Write(IReadOnlyCollection<KeyValuePair<string, StoredSeries>> states)
    {
        int size = 8;
        foreach (var (id, series) in states) size += 16 + 3 * id.Length + series.State.Length;
        using var buffer = new MemoryStream(size);
        using (var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(FormatVersion);
            writer.Write(states.Count);
            foreach (var (id, series) in states)
            {
                writer.Write(id);
                writer.Write(series.State.Length);
                writer.Write(series.State);
                writer.Write(series.LastTime.Ticks);
            }
        }
        return Model.Weights.Checksummed.Seal(buffer.ToArray());
    }

    /// <param name="what">Names the snapshot in an error.</param>
    public static Dictionary<string, StoredSeries> Read(byte[] bytes, string what = "a partition snapshot")
    {
        byte version = bytes.Length > 0 ? bytes[0] : throw new InvalidDataException($"{what} is empty");
        Model.Weights.FormatVersions.Check("partition snapshot", version, 1, FormatVersion);
        if (version >= 2) bytes = Model.Weights.Checksummed.Open(bytes, what);
        using var reader = new BinaryReader(new MemoryStream(bytes), Encoding.UTF8);
        reader.ReadByte();
        int count = reader.ReadInt32();
        var states = new Dictionary<string, StoredSeries>(count, StringComparer.Ordinal);
        for (int i = 0; i < count; i++)
        {
            string id = reader.ReadString();
            var state = reader.ReadBytes(reader.ReadInt32());
            states[id] = new StoredSeries(state, version >= 3 ? new DateTime(reader.ReadInt64()) : default);
        }
        return states;
    }
}
