namespace RnnStream.Actors.Training;

/// <summary>
/// Published on a node's event stream when a weights version sent from the cluster's trainer has
/// been promoted in that node's registry: key groups waiting for it go on.
/// </summary>
public sealed record WeightsArrived(long Version);
