namespace RnnStream.Actors.Persistence;

/// <summary>A weights version the run started with or promoted, in the weights file format (<see cref="Model.Weights.ModelWeightsSerializer"/>).</summary>
public sealed record WeightsPromoted(long Version, byte[] Weights) : IPersistedRecord
{
    public static WeightsPromoted Of(Model.Weights.ModelWeights weights)
    {
        using var bytes = new MemoryStream();
        Model.Weights.ModelWeightsSerializer.Write(weights, bytes);
        return new WeightsPromoted(weights.Version, bytes.ToArray());
    }
}
