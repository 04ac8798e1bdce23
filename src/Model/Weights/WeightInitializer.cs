using MathNet.Numerics.Distributions;
using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.Random;
using RnnStream.Model.Specs;

namespace RnnStream.Model.Weights;

/// <summary>
/// Keras's default initialisation, reproducible from a seed: Glorot-uniform kernels, orthogonal
/// recurrent kernels (they keep the recurrence norm-preserving at the start), zero biases, and
/// LSTM forget-gate biases of one (so the cell remembers until it learns to forget).
/// </summary>
public static class WeightInitializer
{
    public static ModelWeights Initialize(ModelSpec spec, int seed, float scale = 1f)
    {
        var layout = new WeightLayout(spec);
        var values = new float[layout.TotalLength];
        var random = new MersenneTwister(seed);

        for (int i = 0; i < spec.Layers.Count; i++)
        {
            var layer = spec.Layers[i];
            GlorotUniform(values, layout.Kernel(i), random, scale);
            Orthogonal(values, layout.RecurrentKernel(i), random, scale);
            if (layer.Cell == CellType.Lstm)
            {
                var bias = layout.Bias(i);
                values.AsSpan(bias.Offset + layer.Units, layer.Units).Fill(1f);
            }
        }
        GlorotUniform(values, layout[WeightLayout.DenseKernel], random, scale);
        return ModelWeights.FromValues(layout, values);
    }

    private static void GlorotUniform(float[] values, WeightSlot slot, Random random, float scale)
    {
        int fanIn = slot.Shape[0], fanOut = slot.Shape[1];
        double limit = Math.Sqrt(6.0 / (fanIn + fanOut));
        for (int k = 0; k < slot.Length; k++)
            values[slot.Offset + k] = (float)(scale * (random.NextDouble() * 2 - 1) * limit);
    }

    /// <summary>Rows × cols with orthonormal rows (rows ≤ cols) or columns, as Keras's Orthogonal does.</summary>
    private static void Orthogonal(float[] values, WeightSlot slot, Random random, float scale)
    {
        int rows = slot.Shape[0], cols = slot.Shape[1];
        int tall = Math.Max(rows, cols), narrow = Math.Min(rows, cols);
        var gaussian = Matrix<double>.Build.Random(tall, narrow, new Normal(0, 1, random));
        var qr = gaussian.QR(MathNet.Numerics.LinearAlgebra.Factorization.QRMethod.Thin);
        var q = qr.Q;
        var r = qr.R;
        for (int c = 0; c < narrow; c++)
        {
            if (r[c, c] < 0) q.SetColumn(c, q.Column(c).Negate());
        }
        var oriented = rows < cols ? q.Transpose() : q;
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++)
                values[slot.Offset + i * cols + j] = (float)(scale * oriented[i, j]);
    }
}
