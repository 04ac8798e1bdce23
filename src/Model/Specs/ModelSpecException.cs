namespace RnnStream.Model.Specs;

/// <summary>A model spec that cannot be built; <see cref="Field"/> names the offending field.</summary>
public sealed class ModelSpecException(string field, string message)
    : ArgumentException($"model spec field '{field}': {message}", field)
{
    public string Field { get; } = field;

    /// <summary>What is wrong with the field, without its name (a caller names it in its own terms).</summary>
    public string Reason { get; } = message;
}
