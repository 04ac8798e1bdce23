using RnnStream.Model.Specs;
using RnnStream.Model.Weights;
using Xunit;

namespace RnnStream.Model.Tests.Weights;

public sealed class ModelWeightsTests
{
    private static readonly ModelSpec Spec = new(3, [new LayerSpec(CellType.Gru, 5), new LayerSpec(CellType.Lstm, 4)], 2, horizon: 5, head: OutputHead.Gaussian);

    [Fact]
    public void Weights_are_read_and_written_by_name_with_their_shapes_and_every_write_is_a_new_version()
    {
        var original = WeightInitializer.Initialize(Spec, seed: 1);
        var newKernel = Enumerable.Range(0, 4 * 16).Select(i => i * 0.01f).ToArray();

        var changed = original.WithWeight("lstm_1/recurrent_kernel", newKernel, [4, 16], version: 7);

        Assert.Equal(newKernel, changed.Get("lstm_1/recurrent_kernel").ToArray());
        Assert.Equal([4, 16], changed.ShapeOf("lstm_1/recurrent_kernel"));
        Assert.Equal(7, changed.Version);
        Assert.NotEqual(newKernel, original.Get("lstm_1/recurrent_kernel").ToArray());
        Assert.Equal(original.Get("gru_0/kernel").ToArray(), changed.Get("gru_0/kernel").ToArray());
    }

    [Fact]
    public void Get_and_set_all_weights_round_trips()
    {
        var a = WeightInitializer.Initialize(Spec, seed: 1);
        var b = WeightInitializer.Initialize(Spec, seed: 2);
        var copied = b.WithWeights(a.GetWeights());
        Assert.Equal(a.Values.ToArray(), copied.Values.ToArray());
    }

    [Fact]
    public void A_wrong_shape_or_name_is_refused_with_what_was_expected()
    {
        var weights = WeightInitializer.Initialize(Spec, seed: 1);
        var shape = Assert.Throws<ArgumentException>(() => weights.WithWeight("dense/kernel", new float[8], [2, 4]));
        Assert.Contains("(4, 4)", shape.Message);
        var count = Assert.Throws<ArgumentException>(() => weights.WithWeight("dense/bias", new float[3]));
        Assert.Contains("(4)", count.Message);
        var name = Assert.Throws<KeyNotFoundException>(() => weights.Get("dense/kernal"));
        Assert.Contains("dense/kernel", name.Message);
    }

    [Fact]
    public void A_saved_file_loads_back_bit_for_bit_with_spec_and_version()
    {
        var weights = WeightInitializer.Initialize(Spec, seed: 5).WithVersion(42)
            .WithWeight("dense/bias", [float.Epsilon, -0f, 1e-38f, float.MaxValue]);
        string path = Path.Combine(Path.GetTempPath(), $"rnnstream-{Guid.NewGuid():N}.rnnw");
        try
        {
            using (var file = File.Create(path)) ModelWeightsSerializer.Write(weights, file);
            ModelWeights loaded;
            using (var file = File.OpenRead(path)) loaded = ModelWeightsSerializer.Read(file);

            Assert.Equal(Spec, loaded.Spec);
            Assert.Equal(42, loaded.Version);
            Assert.Equal(weights.Values.ToArray().Select(BitConverter.SingleToInt32Bits), loaded.Values.ToArray().Select(BitConverter.SingleToInt32Bits));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_corrupted_or_truncated_file_is_refused()
    {
        using var buffer = new MemoryStream();
        ModelWeightsSerializer.Write(WeightInitializer.Initialize(Spec, seed: 5), buffer);
        var bytes = buffer.ToArray();

        var flipped = (byte[])bytes.Clone();
        flipped[bytes.Length / 2] ^= 0x40;
        Assert.Contains("checksum", Assert.Throws<InvalidDataException>(() => ModelWeightsSerializer.Read(new MemoryStream(flipped))).Message);
        Assert.Throws<InvalidDataException>(() => ModelWeightsSerializer.Read(new MemoryStream(bytes[..(bytes.Length - 20)])));
        Assert.Contains("magic", Assert.Throws<InvalidDataException>(() => ModelWeightsSerializer.Read(new MemoryStream("hello world, not weights"u8.ToArray()))).Message);
    }

    [Fact]
    public void Initialisation_is_Keras_like()
    {
        var spec = ModelSpec.Single(CellType.Lstm, 4, 8, 1);
        var weights = WeightInitializer.Initialize(spec, seed: 3);

        // Recurrent kernel 8 × 32 has orthonormal rows.
        var recurrent = weights.Get("lstm_0/recurrent_kernel");
        for (int i = 0; i < 8; i++)
            for (int j = 0; j < 8; j++)
            {
                double dot = 0;
                for (int c = 0; c < 32; c++) dot += recurrent[i * 32 + c] * recurrent[j * 32 + c];
                Assert.Equal(i == j ? 1.0 : 0.0, dot, 5);
            }

        // Glorot-uniform kernel within its limit; forget-gate bias 1, other biases 0.
        double limit = Math.Sqrt(6.0 / (4 + 32));
        Assert.All(weights.Get("lstm_0/kernel").ToArray(), v => Assert.InRange(v, -limit, limit));
        var bias = weights.Get("lstm_0/bias").ToArray();
        Assert.All(bias[8..16], v => Assert.Equal(1f, v));
        Assert.All(bias[..8].Concat(bias[16..]), v => Assert.Equal(0f, v));
    }
}
