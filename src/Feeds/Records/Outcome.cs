namespace RnnStream.Feeds.Records;

/// <summary>
/// A forecast scored when its target arrived: the actual values, what was predicted with its interval,
/// and what persistence (the value known when the forecast was made) would have said. One array
/// behind five views: it is made on every tick.
/// </summary>
public sealed class Outcome
{
    private readonly float[] _values;

    /// <param name="values">Actual, predicted, lower, upper, persistence: K values each, in that order.</param>
    public Outcome(float[] values)
    {
        if (values.Length == 0 || values.Length % 5 != 0) throw new ArgumentException("an outcome holds 5 × K values", nameof(values));
        _values = values;
    }

    public int Count => _values.Length / 5;
    public ReadOnlySpan<float> Actual => _values.AsSpan(0, Count);
    public ReadOnlySpan<float> Predicted => _values.AsSpan(Count, Count);
    public ReadOnlySpan<float> Lower => _values.AsSpan(2 * Count, Count);
    public ReadOnlySpan<float> Upper => _values.AsSpan(3 * Count, Count);
    public ReadOnlySpan<float> Persistence => _values.AsSpan(4 * Count, Count);

    public bool OutsideInterval
    {
        get
        {
            var actual = Actual;
            var lower = Lower;
            var upper = Upper;
            for (int i = 0; i < actual.Length; i++)
                if (actual[i] < lower[i] || actual[i] > upper[i]) return true;
            return false;
        }
    }
}
