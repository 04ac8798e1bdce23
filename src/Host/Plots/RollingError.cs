namespace RnnStream.Host.Plots;

/// <summary>The error of a forecast over a trailing window of rows, to show how it changes along the stream (after a drift, a retrain, a perturbation).</summary>
internal static class RollingError
{
    /// <summary>
    /// Σ|actual − forecast| / Σ|actual| over the last <paramref name="window"/> pairs (the MAPE the
    /// results report, so the two agree); NaN until the window is full and where it holds a missing
    /// value or no truth at all.
    /// </summary>
    public static double[] Mape(IReadOnlyList<double> actual, IReadOnlyList<double> forecast, int window)
    {
        if (actual.Count != forecast.Count) throw new ArgumentException("actual and forecast must have the same length");
        ArgumentOutOfRangeException.ThrowIfLessThan(window, 1);
        var result = new double[actual.Count];
        double errors = 0, truths = 0;
        int missing = 0;
        for (int i = 0; i < actual.Count; i++)
        {
            Add(actual[i], forecast[i], +1);
            if (i >= window) Add(actual[i - window], forecast[i - window], -1);
            result[i] = i + 1 < window || missing > 0 || truths <= 0 ? double.NaN : errors / truths;
        }
        return result;

        void Add(double truth, double predicted, int sign)
        {
            if (double.IsNaN(truth) || double.IsNaN(predicted))
            {
                missing += sign;
                return;
            }
            errors += sign * Math.Abs(truth - predicted);
            truths += sign * Math.Abs(truth);
        }
    }
}
