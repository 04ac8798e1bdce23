using RnnStream.Model.Specs;

namespace RnnStream.Model.Weights;

/// <summary>
/// One immutable version of a network's parameters. Nobody changes a version in place: every
/// change (a training result, a weight set by name) is a new object with its own version number,
/// so a series that is forecast with a reference always predicts with a consistent set.
/// </summary>
public sealed class ModelWeights
{
    private readonly float[] _values;

    private ModelWeights(WeightLayout layout, float[] values, long version)
    {
        Layout = layout;
        _values = values;
        Version = version;
    }

    public ModelSpec Spec => Layout.Spec;
    public WeightLayout Layout { get; }
    public long Version { get; }

    /// <summary>All parameters, laid out as <see cref="Layout"/> says.</summary>
    public ReadOnlySpan<float> Values => _values;

    public int ParameterCount => _values.Length;

    /// <summary>Copies <paramref name="values"/> (in layout order) into a new version.</summary>
    public static ModelWeights FromValues(ModelSpec spec, ReadOnlySpan<float> values, long version = 0) =>
        FromValues(new WeightLayout(spec), values, version);

    public static ModelWeights FromValues(WeightLayout layout, ReadOnlySpan<float> values, long version = 0)
    {
        if (values.Length != layout.TotalLength)
            throw new ArgumentException($"expected {layout.TotalLength} parameters for this spec, got {values.Length}", nameof(values));
        return new ModelWeights(layout, values.ToArray(), version);
    }

    /// <summary>A read-only view of one named tensor (row-major in its shape).</summary>
    public ReadOnlySpan<float> Get(string name)
    {
        var slot = Layout[name];
        return _values.AsSpan(slot.Offset, slot.Length);
    }

    public int[] ShapeOf(string name) => (int[])Layout[name].Shape.Clone();

    /// <summary>Every tensor by name, as copies (Keras's get_weights, with names).</summary>
    public IReadOnlyDictionary<string, float[]> GetWeights() =>
        Layout.Slots.ToDictionary(s => s.Name, s => _values.AsSpan(s.Offset, s.Length).ToArray(), StringComparer.Ordinal);

    /// <summary>A new version with one tensor replaced; the shape must match the layout's.</summary>
    public ModelWeights WithWeight(string name, ReadOnlySpan<float> values, int[]? shape = null, long? version = null)
    {
        var slot = Layout[name];
        if (shape is not null && !shape.SequenceEqual(slot.Shape))
            throw new ArgumentException($"weight '{name}' has shape {slot.ShapeText}, not ({string.Join(", ", shape)})", nameof(shape));
        if (values.Length != slot.Length)
            throw new ArgumentException($"weight '{name}' has shape {slot.ShapeText} = {slot.Length} values, got {values.Length}", nameof(values));
        var copy = (float[])_values.Clone();
        values.CopyTo(copy.AsSpan(slot.Offset, slot.Length));
        return new ModelWeights(Layout, copy, version ?? Version);
    }

    /// <summary>A new version with every named tensor replaced (Keras's set_weights, with names).</summary>
    public ModelWeights WithWeights(IReadOnlyDictionary<string, float[]> weights, long? version = null)
    {
        var copy = (float[])_values.Clone();
        foreach (var (name, values) in weights)
        {
            var slot = Layout[name];
            if (values.Length != slot.Length)
                throw new ArgumentException($"weight '{name}' has shape {slot.ShapeText} = {slot.Length} values, got {values.Length}", nameof(weights));
            values.CopyTo(copy.AsSpan(slot.Offset, slot.Length));
        }
        return new ModelWeights(Layout, copy, version ?? Version);
    }

    public ModelWeights WithVersion(long version) => new(Layout, _values, version);

    /// <summary>True when every parameter is a finite number.</summary>
    public bool IsFinite()
    {
        foreach (float v in _values)
            if (!float.IsFinite(v)) return false;
        return true;
    }
}
