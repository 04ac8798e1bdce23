namespace RnnStream.Model.Preprocessing;

/// <summary>
/// Sample autocorrelation, the measure behind the inputs chosen from a feed's warm-up: a season
/// shows as a strong correlation of the changes one period apart, and a persistent level as a
/// strong correlation one step apart.
/// </summary>
public static class Autocorrelation
{
    /// <summary>The correlation of the series with itself <paramref name="lag"/> steps later; NaN when too short or constant.</summary>
    public static double At(IReadOnlyList<double> values, int lag)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(lag);
        int n = values.Count;
        if (n < lag + 2) return double.NaN;
        double mean = 0;
        for (int i = 0; i < n; i++) mean += values[i];
        mean /= n;
        double variance = 0;
        for (int i = 0; i < n; i++) variance += (values[i] - mean) * (values[i] - mean);
        if (variance <= 0) return double.NaN;
        double covariance = 0;
        for (int i = 0; i + lag < n; i++) covariance += (values[i] - mean) * (values[i + lag] - mean);
        return covariance / variance;
    }

    /// <summary>Step-to-step changes: one fewer than the values.</summary>
    public static double[] Changes(IReadOnlyList<double> values)
    {
        if (values.Count < 2) return [];
        var changes = new double[values.Count - 1];
        for (int i = 1; i < values.Count; i++) changes[i - 1] = values[i] - values[i - 1];
        return changes;
    }
}
