using RnnStream.Actors.Training;

namespace RnnStream.Actors.Pipeline;

/// <summary>
/// A replay retrain that runs beside the stream: <paramref name="WindowsTaken"/> completes once its
/// training data (everything before the cut) is in hand, and the stream goes on from there;
/// <paramref name="Outcome"/> is its candidate, which the router puts in use at a fixed number of
/// ticks after the cut (waiting there if it is late), so a replay forecasts alike on any machine.
/// </summary>
public readonly record struct OverlappedRetrain(Task WindowsTaken, Task<RetrainOutcome> Outcome);
