using System.Runtime.CompilerServices;

namespace RnnStream.Model.Training;

/// <summary>Adam (Kingma and Ba) with bias correction folded into the step size, as Keras does it.</summary>
internal sealed class AdamOptimizer(int parameterCount, double learningRate, double beta1, double beta2, double epsilon) : IOptimizer
{
    private readonly float[] _m = new float[parameterCount];
    private readonly float[] _v = new float[parameterCount];
    private readonly float[] _mSaved = new float[parameterCount];
    private readonly float[] _vSaved = new float[parameterCount];
    private long _step;
    private long _stepSaved;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Apply(Span<float> parameters, ReadOnlySpan<float> gradients)
    {
        _step++;
        double correction = Math.Sqrt(1 - Math.Pow(beta2, _step)) / (1 - Math.Pow(beta1, _step));
        float stepSize = (float)(learningRate * correction);
        float b1 = (float)beta1, b2 = (float)beta2, eps = (float)epsilon;
        for (int i = 0; i < parameters.Length; i++)
        {
            float g = gradients[i];
            float m = _m[i] = b1 * _m[i] + (1 - b1) * g;
            float v = _v[i] = b2 * _v[i] + (1 - b2) * g * g;
            parameters[i] -= stepSize * m / (MathF.Sqrt(v) + eps);
        }
    }

    public void Checkpoint()
    {
        _m.CopyTo(_mSaved, 0);
        _v.CopyTo(_vSaved, 0);
        _stepSaved = _step;
    }

    public void Rollback()
    {
        _mSaved.CopyTo(_m, 0);
        _vSaved.CopyTo(_v, 0);
        _step = _stepSaved;
    }
}
