using System.Numerics;

namespace RnnStream.Model.Specs;

/// <summary>
/// How a Gaussian head's raw variance units become a variance: softplus plus a floor. Softplus
/// grows linearly rather than exponentially, so one wild unit cannot overflow the loss, and the
/// floor keeps the likelihood bounded when the model is very sure.
/// </summary>
public static class GaussianHead
{
    public const double VarianceFloor = 1e-6;

    public static T Variance<T>(T raw) where T : IFloatingPointIeee754<T> =>
        Softplus(raw) + T.CreateChecked(VarianceFloor);

    /// <summary>d variance / d raw.</summary>
    public static T VarianceSlope<T>(T raw) where T : IFloatingPointIeee754<T> =>
        T.One / (T.One + T.Exp(-raw));

    public static void ToVariance(Span<float> raw)
    {
        for (int i = 0; i < raw.Length; i++) raw[i] = Variance(raw[i]);
    }

    private static T Softplus<T>(T x) where T : IFloatingPointIeee754<T> =>
        x > T.CreateChecked(20) ? x : T.Log(T.One + T.Exp(x));
}
