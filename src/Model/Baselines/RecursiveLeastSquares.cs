namespace RnnStream.Model.Baselines;

/// <summary>
/// Online ridge regression by recursive least squares with forgetting: each observation updates
/// the weights and the inverse covariance in O(p²), starting from weights 0 and P = I / δ (the
/// ridge penalty). The state lives in the caller's arrays, so a series can keep it inside its own
/// state and serialize it with the rest.
/// </summary>
public static class RecursiveLeastSquares
{
    /// <summary>Weights 0, P = I / regularization.</summary>
    public static void Initialize(Span<double> weights, Span<double> inverseCovariance, double regularization)
    {
        int p = weights.Length;
        weights.Clear();
        inverseCovariance.Clear();
        for (int i = 0; i < p; i++) inverseCovariance[i * p + i] = 1.0 / regularization;
    }

    public static double Predict(ReadOnlySpan<double> weights, ReadOnlySpan<double> x)
    {
        double sum = 0;
        for (int i = 0; i < x.Length; i++) sum += weights[i] * x[i];
        return sum;
    }

    /// <summary>One observation (x, y); λ in (0, 1] forgets old ones (1 = none).</summary>
    public static void Update(Span<double> weights, Span<double> inverseCovariance, ReadOnlySpan<double> x, double y, double forgetting)
    {
        int p = weights.Length;
        Span<double> px = p <= 256 ? stackalloc double[p] : new double[p];
        double denominator = forgetting;
        for (int i = 0; i < p; i++)
        {
            double sum = 0;
            for (int j = 0; j < p; j++) sum += inverseCovariance[i * p + j] * x[j];
            px[i] = sum;
            denominator += x[i] * sum;
        }
        if (!(denominator > 0) || !double.IsFinite(denominator)) return;
        double error = y - Predict(weights, x);
        for (int i = 0; i < p; i++) weights[i] += px[i] / denominator * error;
        // P ← (P − P x xᵀ P / denominator) / λ; P stays symmetric, so P x is also xᵀ P.
        double inverseForgetting = 1.0 / forgetting;
        for (int i = 0; i < p; i++)
        {
            double scaled = px[i] / denominator;
            for (int j = 0; j < p; j++)
                inverseCovariance[i * p + j] = (inverseCovariance[i * p + j] - scaled * px[j]) * inverseForgetting;
        }
    }
}
