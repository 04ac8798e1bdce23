namespace RnnStream.Feeds.Records;

/// <summary>
/// A forecast scored when its target arrived: the actual values, what was predicted with its interval,
/// and what persistence (the value known when the forecast was made) would have said. A view into
/// its prediction's one array (five runs of K values), so scoring a tick allocates nothing more.
/// </summary>
public readonly struct Outcome
{
    private readonly float[] _values;
    private readonly int _start;

    /// <param name="values">From <paramref name="start"/>: actual, predicted, lower, upper, persistence and the network's own forecast, <paramref name="count"/> values each, in that order.</param>
    public Outcome(float[] values, int start, int count)
    {
        if (count < 1 || start < 0 || start + 6 * count > values.Length) throw new ArgumentException($"an outcome of {count} values does not fit at {start} in {values.Length}", nameof(values));
        _values = values;
        _start = start;
        Count = count;
    }

    public int Count { get; }
    public ReadOnlySpan<float> Actual => _values.AsSpan(_start, Count);
    public ReadOnlySpan<float> Predicted => _values.AsSpan(_start + Count, Count);
    public ReadOnlySpan<float> Lower => _values.AsSpan(_start + 2 * Count, Count);
    public ReadOnlySpan<float> Upper => _values.AsSpan(_start + 3 * Count, Count);
    public ReadOnlySpan<float> Persistence => _values.AsSpan(_start + 4 * Count, Count);

    /// <summary>What the network itself forecast, whichever forecast the series published: its own score beside persistence's, even where persistence is what goes out.</summary>
    public ReadOnlySpan<float> Network => _values.AsSpan(_start + 5 * Count, Count);

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
