using RnnStream.Feeds.Records;

namespace RnnStream.Actors.Protocol;

/// <summary>
/// A key group's answer to one <see cref="KeyGroupTicks"/>, sent to whoever sent the ticks (the
/// stream's stage, by its actor or, on the same node, by its <see cref="Pipeline.AnswerInbox"/>):
/// one prediction per tick, in the ticks' order, a failed one standing in for a tick that could not
/// be forecast. Its batch is the key group's no longer: the stream passes it on, and it goes back
/// to its pool (if it was rented from one) once the output is done with it.
/// <para>
/// A key group in the stream's own process that rents its batches (only there: nothing pooled
/// crosses a node) leaves the same answer object every time, refilled: the stream takes the batch
/// out of it before it sends that key group more ticks (at most one batch is at work per key
/// group), so nothing reads an answer after its key group refills it.
/// </para>
/// </summary>
public sealed class KeyGroupAnswers(int keyGroup, PredictionBatch batch)
{
    public KeyGroupAnswers(int keyGroup, Prediction[] predictions) : this(keyGroup, PredictionBatch.Of(predictions))
    {
    }

    public int KeyGroup { get; } = keyGroup;

    public PredictionBatch Batch { get; private set; } = batch;

    public int Count => Batch.Count;

    public ReadOnlySpan<Prediction> Predictions => Batch.Predictions;

    /// <summary>The next answer of the same key group, in this object (see the remarks above).</summary>
    internal void Refill(PredictionBatch batch) => Batch = batch;
}
