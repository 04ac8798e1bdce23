using System.Numerics;
using System.Numerics.Tensors;

namespace RnnStream.Benchmarks;

/// <summary>
/// The yardstick for the model's step: the plainest fast code for one cell step, with nothing of
/// the model around it. One column-major matrix [W_h | W_x] (row i of the buffer holds the weights
/// of input i for all gate units), the concatenated input [h; x], FMA into accumulators, then the
/// activations. Widths are multiples of the vector width (16, 32, 64, 128).
/// </summary>
internal sealed class ReferenceKernels
{
    private readonly int _units;
    private readonly int _inputs;
    private readonly int _gates;
    private readonly float[] _matrix;
    private readonly float[] _bias;
    private readonly float[] _concatenated;
    private readonly float[] _z;

    public ReferenceKernels(int units, int inputs, int gateCount, int seed)
    {
        _units = units;
        _inputs = inputs;
        _gates = gateCount * units;
        var random = new Random(seed);
        _matrix = Enumerable.Range(0, (units + inputs) * _gates).Select(_ => (float)(random.NextDouble() - 0.5) * 0.3f).ToArray();
        _bias = new float[_gates];
        _concatenated = new float[units + inputs];
        _z = new float[_gates];
    }

    public void SimpleRnnStep(float[] h, float[] x)
    {
        h.CopyTo(_concatenated, 0);
        x.CopyTo(_concatenated, _units);
        Fused(_concatenated, _z);
        TensorPrimitives.Tanh(_z, h);
    }

    public void LstmStep(float[] h, float[] c, float[] x)
    {
        int u = _units;
        h.CopyTo(_concatenated, 0);
        x.CopyTo(_concatenated, u);
        Fused(_concatenated, _z);
        var z = _z.AsSpan();
        TensorPrimitives.Sigmoid(z[..(2 * u)], z[..(2 * u)]);
        TensorPrimitives.Tanh(z.Slice(2 * u, u), z.Slice(2 * u, u));
        TensorPrimitives.Sigmoid(z.Slice(3 * u, u), z.Slice(3 * u, u));
        TensorPrimitives.Multiply(z.Slice(u, u), c, c);
        TensorPrimitives.FusedMultiplyAdd(z[..u], z.Slice(2 * u, u), c, c);
        TensorPrimitives.Tanh(c, h);
        TensorPrimitives.Multiply(z.Slice(3 * u, u), h, h);
    }

    private void Fused(float[] input, float[] z)
    {
        int width = Vector<float>.Count;
        int cols = _gates;
        for (int col = 0; col + 4 * width <= cols; col += 4 * width)
        {
            var a0 = new Vector<float>(_bias, col);
            var a1 = new Vector<float>(_bias, col + width);
            var a2 = new Vector<float>(_bias, col + 2 * width);
            var a3 = new Vector<float>(_bias, col + 3 * width);
            for (int r = 0; r < input.Length; r++)
            {
                var s = new Vector<float>(input[r]);
                int at = r * cols + col;
                a0 = Vector.FusedMultiplyAdd(s, new Vector<float>(_matrix, at), a0);
                a1 = Vector.FusedMultiplyAdd(s, new Vector<float>(_matrix, at + width), a1);
                a2 = Vector.FusedMultiplyAdd(s, new Vector<float>(_matrix, at + 2 * width), a2);
                a3 = Vector.FusedMultiplyAdd(s, new Vector<float>(_matrix, at + 3 * width), a3);
            }
            a0.CopyTo(z, col);
            a1.CopyTo(z, col + width);
            a2.CopyTo(z, col + 2 * width);
            a3.CopyTo(z, col + 3 * width);
        }
        for (int col = cols - cols % (4 * width); col < cols; col += width)
        {
            var a = new Vector<float>(_bias, col);
            for (int r = 0; r < input.Length; r++)
                a = Vector.FusedMultiplyAdd(new Vector<float>(input[r]), new Vector<float>(_matrix, r * cols + col), a);
            a.CopyTo(z, col);
        }
    }
}
