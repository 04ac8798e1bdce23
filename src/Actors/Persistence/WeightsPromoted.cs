namespace RnnStream.Actors.Persistence;

/// <summary>A weights version the run started with or promoted, in the weights file format (<see cref="Model.Weights.ModelWeightsSerializer"/>).</summary>
public sealed record WeightsPromoted(long Version, byte[] Weights) : IPersistedRecord;
