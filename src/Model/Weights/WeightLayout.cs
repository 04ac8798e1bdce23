using RnnStream.Model.Specs;

namespace RnnStream.Model.Weights;

/// <summary>
/// The named tensors of a spec, in Keras's layout, laid end to end in one flat vector so that
/// optimizers, clipping and serialization treat all parameters alike.
/// Per layer: kernel (inputs × gates·H), recurrent_kernel (H × gates·H), bias (gates·H, or 2 × 3H for GRU);
/// then dense/kernel (H × K) and dense/bias (K).
/// </summary>
public sealed class WeightLayout
{
    private readonly Dictionary<string, WeightSlot> _byName;

    public WeightLayout(ModelSpec spec)
    {
        Spec = spec;
        var slots = new List<WeightSlot>();
        int offset = 0;
        void Add(string name, bool isKernel, params int[] shape)
        {
            int length = shape.Aggregate(1, (a, b) => a * b);
            slots.Add(new WeightSlot(name, shape, offset, length, isKernel));
            offset += length;
        }

        for (int i = 0; i < spec.Layers.Count; i++)
        {
            var layer = spec.Layers[i];
            string prefix = LayerName(spec, i);
            Add($"{prefix}/kernel", true, spec.LayerInputs(i), layer.GateWidth);
            Add($"{prefix}/recurrent_kernel", true, layer.Units, layer.GateWidth);
            if (layer.Cell == CellType.Gru) Add($"{prefix}/bias", false, 2, layer.GateWidth);
            else Add($"{prefix}/bias", false, layer.GateWidth);
        }
        Add(DenseKernel, true, spec.TopUnits, spec.HeadWidth);
        Add(DenseBias, false, spec.HeadWidth);

        Slots = slots;
        TotalLength = offset;
        _byName = slots.ToDictionary(s => s.Name, StringComparer.Ordinal);
    }

    public const string DenseKernel = "dense/kernel";
    public const string DenseBias = "dense/bias";

    public ModelSpec Spec { get; }
    public IReadOnlyList<WeightSlot> Slots { get; }
    public int TotalLength { get; }

    public WeightSlot this[string name] =>
        _byName.TryGetValue(name, out var slot)
            ? slot
            : throw new KeyNotFoundException($"no weight named '{name}'; the model has: {string.Join(", ", _byName.Keys)}");

    public bool Contains(string name) => _byName.ContainsKey(name);

    public WeightSlot Kernel(int layer) => this[$"{LayerName(Spec, layer)}/kernel"];
    public WeightSlot RecurrentKernel(int layer) => this[$"{LayerName(Spec, layer)}/recurrent_kernel"];
    public WeightSlot Bias(int layer) => this[$"{LayerName(Spec, layer)}/bias"];

    private static string LayerName(ModelSpec spec, int index) => spec.LayerName(index);
}
