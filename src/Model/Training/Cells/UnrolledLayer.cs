using RnnStream.Model.Specs;

namespace RnnStream.Model.Training.Cells;

/// <summary>
/// One layer of the network unrolled over a segment: its offsets into the parameters, every
/// activation the backward pass needs (time-major, row 0 of the hidden and cell buffers being the
/// state carried in), the state carried to the next segment, and its gradient buffers.
/// </summary>
internal sealed class UnrolledLayer<T>(LayerSpec spec, int inputs, int kernelOffset, int recurrentOffset, int biasOffset)
    where T : unmanaged
{
    public CellType Cell { get; } = spec.Cell;
    public Activation Activation { get; } = spec.Activation;
    public int Units { get; } = spec.Units;
    public int GateWidth { get; } = spec.GateWidth;
    public int Inputs { get; } = inputs;
    public int KernelOffset { get; } = kernelOffset;
    public int RecurrentOffset { get; } = recurrentOffset;
    public int BiasOffset { get; } = biasOffset;

    public T[] Hidden = [];
    public T[] CellState = [];
    public T[] Gates = [];
    /// <summary>LSTM: tanh of the cell state; GRU: the recurrent part of the candidate's pre-activation.</summary>
    public T[] Aux = [];
    public T[] CarriedHidden = [];
    public T[] CarriedCell = [];
    public T[] RecurrentGrad = [];
    public T[] CellGrad = [];
    public T[] KernelT = [];
    public T[] RecurrentT = [];
}
