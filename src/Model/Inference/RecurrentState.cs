namespace RnnStream.Model.Inference;

/// <summary>
/// The live memory of one series: every layer's hidden state (and LSTM cell state) in one flat
/// array, updated in place by <see cref="InferenceNetwork.Step"/>. Small on purpose: a key group
/// keeps one for every series it owns.
/// </summary>
public sealed class RecurrentState
{
    private readonly float[] _values;

    public RecurrentState(StateLayout layout)
    {
        Layout = layout;
        _values = new float[layout.Length];
    }

    public StateLayout Layout { get; }

    /// <summary>The whole state, for snapshots and comparisons.</summary>
    public Span<float> Values => _values;

    public Span<float> Hidden(int layer) => _values.AsSpan(Layout.HiddenOffset(layer), Layout.Units(layer));

    /// <summary>LSTM cell state of <paramref name="layer"/>; empty for other cells.</summary>
    public Span<float> Cell(int layer)
    {
        int offset = Layout.CellOffset(layer);
        return offset < 0 ? Span<float>.Empty : _values.AsSpan(offset, Layout.Units(layer));
    }

    /// <summary>Back to the zero state a new series starts from.</summary>
    public void Reset() => Array.Clear(_values);

    public void CopyFrom(RecurrentState other)
    {
        if (other.Layout.Length != Layout.Length) throw new ArgumentException("states of different layouts", nameof(other));
        other._values.CopyTo(_values, 0);
    }
}
