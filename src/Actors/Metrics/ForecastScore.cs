using RnnStream.Feeds.Records;

namespace RnnStream.Actors.Metrics;

/// <summary>
/// Running accuracy of forecasts against what happened: MAE, RMSE, NRMSE, MAPE as Σ|error| / Σ|truth|,
/// MASE against persistence at the same horizon, and interval coverage. Sums only, so scores of
/// series add up into an overall score exactly.
/// </summary>
public sealed class ForecastScore
{
    public long Count { get; private set; }
    public double SumAbsError { get; private set; }
    public double SumSquaredError { get; private set; }
    public double SumAbsActual { get; private set; }
    public double SumAbsNaiveError { get; private set; }
    public double SumActual { get; private set; }
    public double SumSquaredActual { get; private set; }
    public long Inside { get; private set; }

    /// <summary>Every target of one matured forecast, in target order.</summary>
    public void Add(in Outcome outcome)
    {
        ReadOnlySpan<float> actual = outcome.Actual, predicted = outcome.Predicted, lower = outcome.Lower, upper = outcome.Upper, persistence = outcome.Persistence;
        for (int k = 0; k < actual.Length; k++) Add(actual[k], predicted[k], lower[k], upper[k], persistence[k]);
    }

    /// <summary>The network's own forecasts of an outcome (not the published ones): a score of the network beside persistence's.</summary>
    public void AddNetwork(in Outcome outcome)
    {
        ReadOnlySpan<float> actual = outcome.Actual, network = outcome.Network, persistence = outcome.Persistence;
        for (int k = 0; k < network.Length; k++) Add(actual[k], network[k], double.NaN, double.NaN, persistence[k]);
    }

    public void Add(double actual, double predicted, double lower, double upper, double persistence)
    {
        double error = actual - predicted;
        Count++;
        SumAbsError += Math.Abs(error);
        SumSquaredError += error * error;
        SumAbsActual += Math.Abs(actual);
        SumAbsNaiveError += Math.Abs(actual - persistence);
        SumActual += actual;
        SumSquaredActual += actual * actual;
        if (actual >= lower && actual <= upper) Inside++;
    }

    /// <summary>
    /// The interval score (Gneiting and Raftery 2007) of a central (1 − α) interval: its width, plus
    /// 2/α times how far the actual value fell outside it. Lower is better; it rewards narrow
    /// intervals and punishes misses in proportion to their size.
    /// </summary>
    public static double IntervalScore(double lower, double upper, double actual, double alpha) =>
        upper - lower + 2 / alpha * (Math.Max(0, lower - actual) + Math.Max(0, actual - upper));

    /// <summary>Forecasts whose interval was scored beside the naive interval (see <see cref="NaiveInterval"/>).</summary>
    public long IntervalsCompared { get; private set; }
    public double SumIntervalScore { get; private set; }
    public double SumNaiveIntervalScore { get; private set; }
    public long NaiveInside { get; private set; }

    /// <summary>Scores one forecast's interval beside the naive interval for the same value.</summary>
    public void AddIntervalComparison(double intervalScore, double naiveIntervalScore, bool naiveCovered)
    {
        IntervalsCompared++;
        SumIntervalScore += intervalScore;
        SumNaiveIntervalScore += naiveIntervalScore;
        if (naiveCovered) NaiveInside++;
    }

    /// <summary>Our intervals' total interval score over the naive interval's, on the same forecasts: below 1 is better than persistence's interval.</summary>
    public double RelativeIntervalScore => SumNaiveIntervalScore > 0 ? SumIntervalScore / SumNaiveIntervalScore : double.NaN;

    /// <summary>How often the naive interval held the actual value, on the compared forecasts.</summary>
    public double NaiveCoverage => IntervalsCompared > 0 ? (double)NaiveInside / IntervalsCompared : double.NaN;

    public void Add(ForecastScore other)
    {
        IntervalsCompared += other.IntervalsCompared;
        SumIntervalScore += other.SumIntervalScore;
        SumNaiveIntervalScore += other.SumNaiveIntervalScore;
        NaiveInside += other.NaiveInside;
        Count += other.Count;
        SumAbsError += other.SumAbsError;
        SumSquaredError += other.SumSquaredError;
        SumAbsActual += other.SumAbsActual;
        SumAbsNaiveError += other.SumAbsNaiveError;
        SumActual += other.SumActual;
        SumSquaredActual += other.SumSquaredActual;
        Inside += other.Inside;
    }

    public double Mae => Count > 0 ? SumAbsError / Count : double.NaN;
    public double Rmse => Count > 0 ? Math.Sqrt(SumSquaredError / Count) : double.NaN;

    /// <summary>Standard deviation of the truth this score has seen.</summary>
    public double TruthStdDev
    {
        get
        {
            if (Count < 2) return double.NaN;
            double mean = SumActual / Count;
            double variance = SumSquaredActual / Count - mean * mean;
            return variance > 0 ? Math.Sqrt(variance) : double.NaN;
        }
    }

    /// <summary>RMSE over a standard deviation of the truth (the benchmark's: that of the whole series).</summary>
    public double NrmseOver(double truthStdDev) => truthStdDev > 0 ? Rmse / truthStdDev : double.NaN;

    public double Mape => SumAbsActual > 0 ? SumAbsError / SumAbsActual : double.NaN;

    /// <summary>Below 1: better than predicting the value known when the forecast was made.</summary>
    public double Mase => SumAbsNaiveError > 0 ? SumAbsError / SumAbsNaiveError : double.NaN;

    public double Coverage => Count > 0 ? (double)Inside / Count : double.NaN;

    /// <summary>The sums, for a checkpoint.</summary>
    public void Write(BinaryWriter writer)
    {
        writer.Write(Count);
        writer.Write(SumAbsError);
        writer.Write(SumSquaredError);
        writer.Write(SumAbsActual);
        writer.Write(SumAbsNaiveError);
        writer.Write(SumActual);
        writer.Write(SumSquaredActual);
        writer.Write(Inside);
        writer.Write(IntervalsCompared);
        writer.Write(SumIntervalScore);
        writer.Write(SumNaiveIntervalScore);
        writer.Write(NaiveInside);
    }

    /// <summary>Replaces the sums with those <see cref="Write"/> wrote.</summary>
    /// <param name="withIntervals">False for the first format, from before the interval comparison.</param>
    public void Read(BinaryReader reader, bool withIntervals = true)
    {
        Count = reader.ReadInt64();
        SumAbsError = reader.ReadDouble();
        SumSquaredError = reader.ReadDouble();
        SumAbsActual = reader.ReadDouble();
        SumAbsNaiveError = reader.ReadDouble();
        SumActual = reader.ReadDouble();
        SumSquaredActual = reader.ReadDouble();
        Inside = reader.ReadInt64();
        if (!withIntervals) return;
        IntervalsCompared = reader.ReadInt64();
        SumIntervalScore = reader.ReadDouble();
        SumNaiveIntervalScore = reader.ReadDouble();
        NaiveInside = reader.ReadInt64();
    }
}
