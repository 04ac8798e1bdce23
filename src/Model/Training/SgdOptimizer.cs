using System.Runtime.CompilerServices;

namespace RnnStream.Model.Training;

/// <summary>Stochastic gradient descent with optional (heavy-ball) momentum.</summary>
internal sealed class SgdOptimizer(int parameterCount, double learningRate, double momentum) : IOptimizer
{
    private readonly float[] _velocity = new float[parameterCount];
    private readonly float[] _velocitySaved = new float[parameterCount];

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Apply(Span<float> parameters, ReadOnlySpan<float> gradients)
    {
        float lr = (float)learningRate, mu = (float)momentum;
        for (int i = 0; i < parameters.Length; i++)
        {
            float v = _velocity[i] = mu * _velocity[i] - lr * gradients[i];
            parameters[i] += v;
        }
    }

    public void Checkpoint() => _velocity.CopyTo(_velocitySaved, 0);

    public void Rollback() => _velocitySaved.CopyTo(_velocity, 0);
}
