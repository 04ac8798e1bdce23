namespace RnnStream.Actors.Persistence;

/// <summary>
/// A checkpoint all of whose parts were stored: the pipeline cut and every partition's snapshot
/// (all under sequence number <paramref name="Number"/>), and the output flushed at
/// <paramref name="OutputLength"/> bytes. Only a committed checkpoint is ever resumed from.
/// </summary>
public sealed record CheckpointCommitted(long Number, long NextOffset, long PredictionsWritten, long OutputLength, long WeightsVersion, int Partitions) : IPersistedRecord
{
    /// <summary>The SHA-256 of the output's first <see cref="OutputLength"/> bytes; empty when the output has none or an older build committed it.</summary>
    public byte[] OutputSha256 { get; init; } = [];
}
