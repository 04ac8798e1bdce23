namespace RnnStream.Model.Specs;

/// <summary>
/// The shape of a network: D input features, a stack of recurrent layers, a linear head with K outputs,
/// and how many steps ahead the outputs are for.
/// </summary>
public sealed record ModelSpec
{
    /// <summary>Widest layer accepted; it bounds the stack space the allocation-free step uses.</summary>
    public const int MaxUnits = 1024;

    public ModelSpec(int inputFeatures, IReadOnlyList<LayerSpec> layers, int outputUnits, int horizon = 1, OutputHead head = OutputHead.Point)
    {
        InputFeatures = inputFeatures;
        Layers = layers?.ToArray() ?? throw new ModelSpecException(nameof(Layers), "is required");
        OutputUnits = outputUnits;
        Horizon = horizon;
        Head = head;
        Validate();
    }

    /// <summary>D: features per input vector.</summary>
    public int InputFeatures { get; }

    /// <summary>The recurrent layers, bottom first.</summary>
    public IReadOnlyList<LayerSpec> Layers { get; }

    /// <summary>K: predicted values per step.</summary>
    public int OutputUnits { get; }

    /// <summary>Steps ahead the outputs predict (1 = the next step).</summary>
    public int Horizon { get; }

    public OutputHead Head { get; }

    /// <summary>Width of the dense layer: K for a point head, 2K (mean, variance) for a Gaussian one.</summary>
    public int HeadWidth => Head == OutputHead.Gaussian ? 2 * OutputUnits : OutputUnits;

    public int TopUnits => Layers[^1].Units;

    /// <summary>Inputs seen by layer <paramref name="index"/>: D for the first, the previous layer's units above it.</summary>
    public int LayerInputs(int index) => index == 0 ? InputFeatures : Layers[index - 1].Units;

    /// <summary>All parameters, counted as Keras counts them.</summary>
    public int ParameterCount =>
        Enumerable.Range(0, Layers.Count).Sum(i => Layers[i].ParameterCount(LayerInputs(i))) + HeadWidth * (TopUnits + 1);

    /// <summary>The Keras-like table of layers, output shapes and parameter counts.</summary>
    public string Summary() => ModelSummary.Render(this);

    public static ModelSpec Single(CellType cell, int inputFeatures, int units, int outputUnits, int horizon = 1, OutputHead head = OutputHead.Point) =>
        new(inputFeatures, [new LayerSpec(cell, units)], outputUnits, horizon, head);

    private void Validate()
    {
        if (InputFeatures < 1) throw new ModelSpecException(nameof(InputFeatures), $"must be at least 1, was {InputFeatures}");
        if (Layers.Count == 0) throw new ModelSpecException(nameof(Layers), "needs at least one recurrent layer");
        for (int i = 0; i < Layers.Count; i++)
        {
            var layer = Layers[i] ?? throw new ModelSpecException($"Layers[{i}]", "is null");
            if (!Enum.IsDefined(layer.Cell)) throw new ModelSpecException($"Layers[{i}].Cell", $"unknown cell type {(int)layer.Cell}");
            if (layer.Units < 1 || layer.Units > MaxUnits)
                throw new ModelSpecException($"Layers[{i}].Units", $"must be between 1 and {MaxUnits}, was {layer.Units}");
            if (!Enum.IsDefined(layer.Activation)) throw new ModelSpecException($"Layers[{i}].Activation", $"unknown activation {(int)layer.Activation}");
            if (layer.Cell != CellType.SimpleRnn && layer.Activation != Activation.Tanh)
                throw new ModelSpecException($"Layers[{i}].Activation", $"only SimpleRnn takes an activation; {layer.Cell} uses its own gates");
        }
        if (OutputUnits < 1) throw new ModelSpecException(nameof(OutputUnits), $"must be at least 1, was {OutputUnits}");
        if (Horizon < 1) throw new ModelSpecException(nameof(Horizon), $"must be at least 1 step, was {Horizon}");
        if (!Enum.IsDefined(Head)) throw new ModelSpecException(nameof(Head), $"unknown head {(int)Head}");
    }

    public bool Equals(ModelSpec? other) =>
        other is not null && InputFeatures == other.InputFeatures && OutputUnits == other.OutputUnits &&
        Horizon == other.Horizon && Head == other.Head && Layers.SequenceEqual(other.Layers);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(InputFeatures);
        hash.Add(OutputUnits);
        hash.Add(Horizon);
        hash.Add(Head);
        foreach (var layer in Layers) hash.Add(layer);
        return hash.ToHashCode();
    }

    /// <summary>Keras-style layer name: simple_rnn_0, lstm_1, gru_0 ...; the weights file names its slots after it.</summary>
    public string LayerName(int index) => Layers[index].Cell switch
    {
        CellType.SimpleRnn => $"simple_rnn_{index}",
        CellType.Lstm => $"lstm_{index}",
        CellType.Gru => $"gru_{index}",
        _ => throw new ArgumentOutOfRangeException(nameof(index)),
    };
}
