using System.Text;

namespace RnnStream.Actors.Series;

/// <summary>
/// One partition's series at a checkpoint: each series id with its state in the series-state
/// format (<see cref="Series.SeriesStateSerializer"/>), live and passivated alike.
/// </summary>
public static class PartitionSnapshot
{
    private const byte FormatVersion = 1;

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
        return buffer.ToArray();
    }

    public static Dictionary<string, byte[]> Read(byte[] bytes)
    {
        using var reader = new BinaryReader(new MemoryStream(bytes), Encoding.UTF8);
        byte version = reader.ReadByte();
        Model.Weights.FormatVersions.Check("partition snapshot", version, 1, FormatVersion);
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
