using System.Text;
using Akka.Actor;
using Akka.Serialization;

namespace RnnStream.Actors.Persistence;

/// <summary>
/// The journal's format for our records: a short manifest names the record, the fields follow in
/// a fixed binary order. No type names are read back, so data in the journal cannot make the
/// process instantiate anything else.
/// </summary>
public sealed class PersistedRecordSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    // v2 seals each record with a checksum; a v3 checkpoint adds the output's hash. Older records are still read.
    private const string WeightsManifest = "weights-promoted.v2";
    private const string CheckpointManifest = "checkpoint-committed.v3";
    private const string CheckpointManifestV2 = "checkpoint-committed.v2";
    private const string WeightsManifestV1 = "weights-promoted.v1";
    private const string CheckpointManifestV1 = "checkpoint-committed.v1";

    public override int Identifier => 7_461;

    public override string Manifest(object o) => o switch
    {
        WeightsPromoted => WeightsManifest,
        CheckpointCommitted => CheckpointManifest,
        _ => throw new ArgumentException($"{o.GetType().Name} is not a persisted record of this serializer"),
    };

    public override byte[] ToBinary(object obj)
    {
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            switch (obj)
            {
                case WeightsPromoted weights:
                    writer.Write(weights.Version);
                    writer.Write(weights.Weights.Length);
                    writer.Write(weights.Weights);
                    break;
                case CheckpointCommitted checkpoint:
                    writer.Write(checkpoint.Number);
                    writer.Write(checkpoint.NextOffset);
                    writer.Write(checkpoint.PredictionsWritten);
                    writer.Write(checkpoint.OutputLength);
                    writer.Write(checkpoint.WeightsVersion);
                    writer.Write(checkpoint.Partitions);
                    writer.Write(checkpoint.OutputSha256.Length);
                    writer.Write(checkpoint.OutputSha256);
                    break;
                default:
                    throw new ArgumentException($"{obj.GetType().Name} is not a persisted record of this serializer");
            }
        }
        return Model.Weights.Checksummed.Seal(buffer.ToArray());
    }

    public override object FromBinary(byte[] bytes, string manifest)
    {
        if (manifest is WeightsManifest or CheckpointManifest or CheckpointManifestV2) bytes = Model.Weights.Checksummed.Open(bytes, $"a journal record ({manifest})");
        using var reader = new BinaryReader(new MemoryStream(bytes), Encoding.UTF8);
        return manifest switch
        {
            WeightsManifest or WeightsManifestV1 => new WeightsPromoted(reader.ReadInt64(), reader.ReadBytes(reader.ReadInt32())),
            CheckpointManifest => ReadCheckpoint(reader) with { OutputSha256 = reader.ReadBytes(reader.ReadInt32()) },
            CheckpointManifestV2 or CheckpointManifestV1 => ReadCheckpoint(reader),
            _ when manifest.StartsWith("weights-promoted.v", StringComparison.Ordinal) || manifest.StartsWith("checkpoint-committed.v", StringComparison.Ordinal) =>
                throw new InvalidDataException($"journal record '{manifest}' was written by a newer rnnstream; this build reads {WeightsManifest} and {CheckpointManifest}"),
            _ => throw new InvalidDataException($"unknown journal record '{manifest}'"),
        };
    }

    private static CheckpointCommitted ReadCheckpoint(BinaryReader reader) =>
        new(reader.ReadInt64(), reader.ReadInt64(), reader.ReadInt64(), reader.ReadInt64(), reader.ReadInt64(), reader.ReadInt32());
}
