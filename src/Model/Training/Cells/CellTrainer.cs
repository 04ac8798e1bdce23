using System.Numerics;
using RnnStream.Model.Specs;

namespace RnnStream.Model.Training.Cells;

/// <summary>
/// One cell type's step of training, batched over the N series of a segment at step t: the forward
/// pass keeps what the backward pass needs, and the backward pass turns dL/dh(t) into the gradients
/// of the pre-activations. What every cell shares (the weight gradients from those, the gradient
/// into h(t−1) and into the layer below) is the sequence network's.
/// </summary>
internal abstract class CellTrainer<T> where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    /// <summary>A span of T seen as the floats it is, for the fused float kernels; call only where T is float.</summary>
    protected static Span<float> AsSingle(Span<T> values) => System.Runtime.InteropServices.MemoryMarshal.Cast<T, float>(values);

    public static CellTrainer<T> For(CellType cell) => cell switch
    {
        CellType.SimpleRnn => SimpleRnnTrainer<T>.Instance,
        CellType.Lstm => LstmTrainer<T>.Instance,
        CellType.Gru => GruTrainer<T>.Instance,
        _ => throw new ArgumentOutOfRangeException(nameof(cell), cell, null),
    };

    /// <summary>Writes h(t+1) (and the gates and state it keeps) from the inputs <paramref name="x"/> and h(t).</summary>
    /// <param name="scratch">At least N × gate width of room the cell may use.</param>
    public abstract void Forward(UnrolledLayer<T> layer, ReadOnlySpan<T> parameters, ReadOnlySpan<T> x, int t, int n, Span<T> scratch);

    /// <summary>
    /// From dL/dh(t+1) (<paramref name="above"/> plus the layer's recurrent gradient) to the
    /// pre-activation gradients on the input side (<paramref name="dInput"/>) and, for a cell whose
    /// hidden side differs, on the hidden side (<paramref name="dHidden"/>) with the direct path into
    /// h(t) (<paramref name="direct"/>).
    /// </summary>
    public abstract void Backward(UnrolledLayer<T> layer, int t, int n, ReadOnlySpan<T> above, Span<T> dInput, Span<T> dHidden, Span<T> direct);

    /// <summary>Whether the hidden side has gradients of its own (GRU's reset gate); otherwise it shares the input side's.</summary>
    public virtual bool SeparateHiddenSide => false;
}
