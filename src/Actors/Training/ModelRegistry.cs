using RnnStream.Model.Inference;
using RnnStream.Model.Weights;

namespace RnnStream.Actors.Training;

/// <summary>
/// The node's current weights version, read by every series on every tick. A promotion replaces
/// the reference with a new immutable network; nothing is ever changed in place, so a series
/// always steps with one consistent version.
/// </summary>
public sealed class ModelRegistry
{
    private volatile InferenceNetwork _current;
    private readonly Lock _lock = new();

    public ModelRegistry(ModelWeights initial)
    {
        _current = new InferenceNetwork(initial);
    }

    public InferenceNetwork Current => _current;

    public long Version => _current.Version;

    /// <summary>Makes <paramref name="weights"/> the current version; it must be newer than the one in use.</summary>
    public void Promote(ModelWeights weights)
    {
        lock (_lock)
        {
            if (weights.Version <= _current.Version)
                throw new InvalidOperationException($"version {weights.Version} is not newer than the current {_current.Version}");
            if (!weights.Spec.Equals(_current.Spec))
                throw new InvalidOperationException("a new version must keep the model spec");
            _current = new InferenceNetwork(weights);
        }
    }

    /// <summary>Makes <paramref name="weights"/> current whatever its version: a cluster rolling back to a checkpoint takes its nodes back to that checkpoint's weights.</summary>
    public void Reset(ModelWeights weights)
    {
        lock (_lock)
        {
            if (!weights.Spec.Equals(_current.Spec))
                throw new InvalidOperationException("the weights to go back to have another model spec");
            _current = new InferenceNetwork(weights);
        }
    }
}
