namespace RnnStream.Model.Weights;

/// <summary>Where one named weight tensor lives inside the flat parameter vector.</summary>
/// <param name="IsKernel">Kernels (not biases) take the L2 penalty.</param>
public sealed record WeightSlot(string Name, int[] Shape, int Offset, int Length, bool IsKernel)
{
    public string ShapeText => "(" + string.Join(", ", Shape) + ")";
}
