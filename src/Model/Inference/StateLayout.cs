using RnnStream.Model.Specs;

namespace RnnStream.Model.Inference;

/// <summary>Where each layer's hidden (and, for LSTM, cell) state sits in a series' flat state vector. Shared by all series of a spec.</summary>
public sealed class StateLayout
{
    private readonly int[] _hiddenOffsets;
    private readonly int[] _cellOffsets;
    private readonly int[] _units;

    public StateLayout(ModelSpec spec)
    {
        Spec = spec;
        _hiddenOffsets = new int[spec.Layers.Count];
        _cellOffsets = new int[spec.Layers.Count];
        _units = new int[spec.Layers.Count];
        int offset = 0;
        for (int i = 0; i < spec.Layers.Count; i++)
        {
            var layer = spec.Layers[i];
            _units[i] = layer.Units;
            _hiddenOffsets[i] = offset;
            offset += layer.Units;
            _cellOffsets[i] = layer.Cell == CellType.Lstm ? offset : -1;
            if (layer.Cell == CellType.Lstm) offset += layer.Units;
        }
        Length = offset;
    }

    public ModelSpec Spec { get; }

    /// <summary>Floats per series: hidden units of every layer, plus LSTM cell units.</summary>
    public int Length { get; }

    public int HiddenOffset(int layer) => _hiddenOffsets[layer];
    public int CellOffset(int layer) => _cellOffsets[layer];
    public int Units(int layer) => _units[layer];
}
