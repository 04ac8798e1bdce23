using System.Buffers.Binary;

namespace RnnStream.Model.Weights;

/// <summary>
/// A persisted record followed by the FNV-1a 64 checksum of everything before it, so a flipped or
/// lost byte is found when the record is read, instead of becoming a silently different forecast.
/// </summary>
public static class Checksummed
{
    public const int Length = 8;

    /// <summary>The record with its checksum appended.</summary>
    public static byte[] Seal(ReadOnlySpan<byte> record)
    {
        var sealedRecord = new byte[record.Length + Length];
        record.CopyTo(sealedRecord);
        BinaryPrimitives.WriteUInt64LittleEndian(sealedRecord.AsSpan(record.Length), Fnv1a.Hash64(record));
        return sealedRecord;
    }

    /// <summary>The record without its checksum, once the checksum matches.</summary>
    /// <param name="what">Names the record in the error (e.g. "the snapshot of partition-3 at checkpoint 12").</param>
    /// <exception cref="InvalidDataException">The record is damaged or cut short.</exception>
    public static byte[] Open(byte[] sealedRecord, string what)
    {
        if (sealedRecord.Length < Length) throw new InvalidDataException($"{what} is damaged: {sealedRecord.Length} bytes, shorter than its checksum");
        var record = sealedRecord.AsSpan(0, sealedRecord.Length - Length);
        if (Fnv1a.Hash64(record) != BinaryPrimitives.ReadUInt64LittleEndian(sealedRecord.AsSpan(record.Length)))
            throw new InvalidDataException($"{what} is damaged (checksum mismatch)");
        return record.ToArray();
    }
}
