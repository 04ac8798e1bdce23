using System.Text;

namespace RnnStream.Actors.Series;

/// <summary>
/// One partition's series at a checkpoint: each series id with its state in the series-state
/// format (<see cref="Series.SeriesStateSerializer"/>), live and passivated alike.
/// </summary>
public static class PartitionSnapshot
{
    /// <summary>2 seals the snapshot with a checksum; 1 (none) is still read.</summary>
    private const byte FormatVersion = 2;

    public static byte[] Write(IReadOnlyCollection<KeyValuePair<string, byte[]>> states)
    {
        int size = 8;
        foreach (var (id, state) in states) size += 8 + 3 * id.Length + state.Length;
        using var buffer = new MemoryStream(size);
        using (var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(FormatVersion);
            writer.Write(states.Count);
            foreach (var (id, state) in states)
            {
                writer.Write(id);
                writer.Write(state.Length);
                writer.Write(state);
            }
        }
        return Model.Weights.Checksummed.Seal(buffer.ToArray());
    }

    /// <param name="what">Names the snapshot in an error.</param>
    public static Dictionary<string, byte[]> Read(byte[] bytes, string what = "a partition snapshot")
    {
        byte version = bytes.Length > 0 ? bytes[0] : throw new InvalidDataException($"{what} is empty");
        Model.Weights.FormatVersions.Check("partition snapshot", version, 1, FormatVersion);
        if (version >= 2) bytes = Model.Weights.Checksummed.Open(bytes, what);
        using var reader = new BinaryReader(new MemoryStream(bytes), Encoding.UTF8);
        reader.ReadByte();
        int count = reader.ReadInt32();
        var states = new Dictionary<string, byte[]>(count, StringComparer.Ordinal);
        for (int i = 0; i < count; i++)
        {
            string id = reader.ReadString();
            states[id] = reader.ReadBytes(reader.ReadInt32());
        }
        return states;
    }
}
