using RnnStream.Feeds.Records;

namespace RnnStream.Actors.Protocol;

/// <summary>
/// A key group's answer to one <see cref="KeyGroupTicks"/>, sent to whoever sent the ticks (the
/// stream's stage actor): one prediction per tick, in the ticks' order, a failed one standing in
/// for a tick that could not be forecast. Its array is the key group's no longer: the stream passes
/// it on as the <see cref="PredictionBatch"/> it becomes, which gives it back to its pool (if it
/// was rented from one) once the output is done with it.
/// </summary>
/// <param name="buffer">The predictions in its first <paramref name="count"/> slots; rented from <paramref name="pool"/>, or its own when that is null.</param>
public sealed class KeyGroupAnswers(int keyGroup, Prediction[] buffer, int count, PredictionPool? pool = null)
{
    public KeyGroupAnswers(int keyGroup, Prediction[] predictions) : this(keyGroup, predictions, predictions.Length)
    {
    }

    public int KeyGroup { get; } = keyGroup;
    public int Count { get; } = count;

    /// <summary>The array behind <see cref="Predictions"/>, which the batch made of it gives back.</summary>
    public Prediction[] Buffer { get; } = buffer;

    public PredictionPool? Pool { get; } = pool;

    public ReadOnlySpan<Prediction> Predictions => Buffer.AsSpan(0, Count);

    public PredictionBatch ToBatch(int failed) => new(Buffer, Count, failed, Pool);
}
