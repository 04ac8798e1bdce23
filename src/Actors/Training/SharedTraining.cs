using RnnStream.Model.Weights;

namespace RnnStream.Actors.Training;

/// <summary>
/// How the trainer reaches key groups on other nodes: it gathers their training windows before a
/// retrain (each node's buffer keeps its own series' newest; the newest of their union are the
/// run's), and sends every promoted version out to them. Null for a run whose key groups share its node.
/// </summary>
/// <param name="GatherWindows">The windows that ended before the cutoff (all, if null), from every node.</param>
/// <param name="Publish">Hands a promoted version to every node.</param>
public sealed record SharedTraining(Func<DateTime?, Task<IReadOnlyList<TrainingWindow>>> GatherWindows, Action<ModelWeights> Publish);
