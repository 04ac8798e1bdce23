namespace RnnStream.Model.Specs;

/// <summary>One recurrent layer: its cell, its width, and (for SimpleRnn) its activation.</summary>
public sealed record LayerSpec(CellType Cell, int Units, Activation Activation = Activation.Tanh)
{
    /// <summary>Gates computed side by side from one affine map: 1 for SimpleRnn, 4 for LSTM (i, f, c, o), 3 for GRU (z, r, h).</summary>
    public int GateCount => Cell switch
    {
        CellType.SimpleRnn => 1,
        CellType.Lstm => 4,
        CellType.Gru => 3,
        _ => throw new ArgumentOutOfRangeException(nameof(Cell), Cell, "unknown cell type"),
    };

    /// <summary>Width of the affine map: the kernel is inputs × GateWidth.</summary>
    public int GateWidth => GateCount * Units;

    /// <summary>Keras's name stem for the layer type.</summary>
    public string KerasTypeName => Cell switch
    {
        CellType.SimpleRnn => "SimpleRNN",
        CellType.Lstm => "LSTM",
        CellType.Gru => "GRU",
        _ => throw new ArgumentOutOfRangeException(nameof(Cell), Cell, "unknown cell type"),
    };

    /// <summary>Parameters as Keras counts them (GRU with reset_after, so two bias rows).</summary>
    public int ParameterCount(int inputs) => Cell switch
    {
        CellType.SimpleRnn => Units * (inputs + Units + 1),
        CellType.Lstm => 4 * Units * (inputs + Units + 1),
        CellType.Gru => 3 * Units * (inputs + Units + 2),
        _ => throw new ArgumentOutOfRangeException(nameof(Cell), Cell, "unknown cell type"),
    };

}
