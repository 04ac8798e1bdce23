using RnnStream.Feeds.Records;

namespace RnnStream.Actors.Protocol;

/// <summary>
/// A key group's answer to one <see cref="KeyGroupTicks"/>, sent to whoever sent the ticks (the
/// stream's stage actor): one prediction per tick, in the ticks' order, a failed one standing in
/// for a tick that could not be forecast. Its array is the key group's no longer: the stream passes
/// it on as the <see cref="PredictionBatch"/> it becomes.
/// </summary>
public sealed class KeyGroupAnswers(int keyGroup, Prediction[] predictions)
{
    public int KeyGroup { get; } = keyGroup;
    public int Count => Predictions.Length;

    public Prediction[] Predictions { get; } = predictions;
}
