using RnnStream.Feeds.Records;

namespace RnnStream.Actors.Protocol;

/// <summary>
/// A key group's answer to one <see cref="KeyGroupTicks"/>, sent to whoever sent the ticks (the
/// stream's stage actor): one prediction per tick, in the ticks' order, a failed one standing in
/// for a tick that could not be forecast. Its array is rented from the shared pool; the reader
/// returns it once the predictions are on their way.
/// </summary>
public sealed class KeyGroupAnswers(int keyGroup, Prediction[] buffer, int count)
{
    public int KeyGroup { get; } = keyGroup;
    public int Count { get; } = count;

    /// <summary>The rented array behind <see cref="Predictions"/>, for whoever returns it to the pool.</summary>
    public Prediction[] Buffer { get; } = buffer;

    public ReadOnlySpan<Prediction> Predictions => Buffer.AsSpan(0, Count);
}
