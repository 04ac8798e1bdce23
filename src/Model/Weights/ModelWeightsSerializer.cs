using System.Buffers.Binary;
using System.Text;
using RnnStream.Model.Specs;

namespace RnnStream.Model.Weights;

/// <summary>
/// The versioned binary weights file: magic "RNNW", format version, weights version, the spec,
/// every tensor with its name and shape, little-endian float32 values, and a checksum. Tensors are
/// matched by name and shape on load, so a file from another spec is refused rather than misread.
/// Works on streams: the caller owns files (src/Model does no I/O of its own).
/// </summary>
public static class ModelWeightsSerializer
{
    private static readonly byte[] Magic = "RNNW"u8.ToArray();
    public const ushort FormatVersion = 1;

    public static void Write(ModelWeights weights, Stream stream)
    {
        using var payload = new MemoryStream();
        using (var writer = new BinaryWriter(payload, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Magic);
            writer.Write(FormatVersion);
            writer.Write(weights.Version);
            WriteSpec(writer, weights.Spec);
            writer.Write(weights.Layout.Slots.Count);
            foreach (var slot in weights.Layout.Slots)
            {
                writer.Write(slot.Name);
                writer.Write(slot.Shape.Length);
                foreach (int dim in slot.Shape) writer.Write(dim);
                WriteFloats(writer, weights.Get(slot.Name));
            }
        }
        var bytes = payload.GetBuffer().AsSpan(0, (int)payload.Length);
        stream.Write(bytes);
        Span<byte> checksum = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(checksum, Fnv1a.Hash64(bytes));
        stream.Write(checksum);
    }

    public static ModelWeights Read(Stream stream)
    {
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        var all = buffer.GetBuffer().AsSpan(0, (int)buffer.Length);
        if (all.Length < Magic.Length + 8 || !all[..Magic.Length].SequenceEqual(Magic))
            throw new InvalidDataException("not an RnnStream weights file (magic 'RNNW' missing)");
        var body = all[..^8];
        ulong expected = BinaryPrimitives.ReadUInt64LittleEndian(all[^8..]);
        if (Fnv1a.Hash64(body) != expected)
            throw new InvalidDataException("weights file is corrupt or truncated (checksum mismatch)");

        using var reader = new BinaryReader(new MemoryStream(body.ToArray()), Encoding.UTF8);
        reader.ReadBytes(Magic.Length);
        ushort format = reader.ReadUInt16();
        FormatVersions.Check("weights file", format, 1, FormatVersion);
        long version = reader.ReadInt64();
        var spec = ReadSpec(reader);
        var layout = new WeightLayout(spec);
        int count = reader.ReadInt32();
        if (count != layout.Slots.Count)
            throw new InvalidDataException($"file holds {count} tensors, the spec needs {layout.Slots.Count}");
        var values = new float[layout.TotalLength];
        for (int i = 0; i < count; i++)
        {
            string name = reader.ReadString();
            var slot = layout.Contains(name) ? layout[name] : throw new InvalidDataException($"unknown tensor '{name}' in weights file");
            int rank = reader.ReadInt32();
            var shape = new int[rank];
            for (int d = 0; d < rank; d++) shape[d] = reader.ReadInt32();
            if (!shape.SequenceEqual(slot.Shape))
                throw new InvalidDataException($"tensor '{name}' has shape ({string.Join(", ", shape)}) in the file, the spec says {slot.ShapeText}");
            ReadFloats(reader, values.AsSpan(slot.Offset, slot.Length));
        }
        return ModelWeights.FromValues(layout, values, version);
    }

    private static void WriteSpec(BinaryWriter writer, ModelSpec spec)
    {
        writer.Write(spec.InputFeatures);
        writer.Write(spec.OutputUnits);
        writer.Write(spec.Horizon);
        writer.Write((byte)spec.Head);
        writer.Write(spec.Layers.Count);
        foreach (var layer in spec.Layers)
        {
            writer.Write((byte)layer.Cell);
            writer.Write(layer.Units);
            writer.Write((byte)layer.Activation);
        }
    }

    private static ModelSpec ReadSpec(BinaryReader reader)
    {
        int inputs = reader.ReadInt32();
        int outputs = reader.ReadInt32();
        int horizon = reader.ReadInt32();
        var head = (OutputHead)reader.ReadByte();
        int layerCount = reader.ReadInt32();
        if (layerCount is < 1 or > 64) throw new InvalidDataException($"implausible layer count {layerCount} in weights file");
        var layers = new LayerSpec[layerCount];
        for (int i = 0; i < layerCount; i++)
            layers[i] = new LayerSpec((CellType)reader.ReadByte(), reader.ReadInt32(), (Activation)reader.ReadByte());
        return new ModelSpec(inputs, layers, outputs, horizon, head);
    }

    private static void WriteFloats(BinaryWriter writer, ReadOnlySpan<float> values)
    {
        Span<byte> bytes = stackalloc byte[4];
        foreach (float v in values)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes, v);
            writer.Write(bytes);
        }
    }

    private static void ReadFloats(BinaryReader reader, Span<float> dest)
    {
        var bytes = reader.ReadBytes(dest.Length * 4);
        if (bytes.Length != dest.Length * 4) throw new InvalidDataException("weights file ends inside a tensor");
        for (int i = 0; i < dest.Length; i++)
            dest[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(i * 4));
    }
}
