using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

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
        int i = 0;
        // Per lane the same operations in the same order as the loop after it (square root and division are exact), so the same bits.
        var decay1 = Vector256.Create(b1);
        var decay2 = Vector256.Create(b2);
        var keep1 = Vector256.Create(1 - b1);
        var keep2 = Vector256.Create(1 - b2);
        var step = Vector256.Create(stepSize);
        var epsilonVector = Vector256.Create(eps);
        ref float mRef = ref MemoryMarshal.GetArrayDataReference(_m);
        ref float vRef = ref MemoryMarshal.GetArrayDataReference(_v);
        ref float pRef = ref MemoryMarshal.GetReference(parameters);
        ref float gRef = ref MemoryMarshal.GetReference(gradients);
        if (gradients.Length < parameters.Length || _m.Length < parameters.Length) throw new ArgumentException("fewer gradients or moments than parameters");
        for (; i + Vector256<float>.Count <= parameters.Length; i += Vector256<float>.Count)
        {
            nuint at = (nuint)i;
            var g = Vector256.LoadUnsafe(ref gRef, at);
            var m = decay1 * Vector256.LoadUnsafe(ref mRef, at) + keep1 * g;
            var v = decay2 * Vector256.LoadUnsafe(ref vRef, at) + keep2 * g * g;
            m.StoreUnsafe(ref mRef, at);
            v.StoreUnsafe(ref vRef, at);
            (Vector256.LoadUnsafe(ref pRef, at) - step * m / (Vector256.Sqrt(v) + epsilonVector)).StoreUnsafe(ref pRef, at);
        }
        for (; i < parameters.Length; i++)
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
