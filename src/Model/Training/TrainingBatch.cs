namespace RnnStream.Model.Training;

/// <summary>
/// Windows from many series, trained together: inputs N × T × D and targets N × T × K (row-major,
/// series first). Target (n, t) is what the model should output after seeing input (n, t), i.e. the
/// value <c>horizon</c> steps later. A NaN target is not scored (its value is not known yet).
/// </summary>
public sealed class TrainingBatch
{
    public TrainingBatch(int series, int steps, int inputFeatures, int outputs, float[] inputs, float[] targets)
    {
        if (series < 1) throw new ArgumentOutOfRangeException(nameof(series), series, "a batch needs at least one window");
        if (steps < 1) throw new ArgumentOutOfRangeException(nameof(steps), steps, "a window needs at least one step");
        if (inputs.Length != series * steps * inputFeatures)
            throw new ArgumentException($"inputs hold {inputs.Length} values, N×T×D = {series}×{steps}×{inputFeatures} = {series * steps * inputFeatures}", nameof(inputs));
        if (targets.Length != series * steps * outputs)
            throw new ArgumentException($"targets hold {targets.Length} values, N×T×K = {series}×{steps}×{outputs} = {series * steps * outputs}", nameof(targets));
        Series = series;
        Steps = steps;
        InputFeatures = inputFeatures;
        Outputs = outputs;
        Inputs = inputs;
        Targets = targets;
    }

    /// <summary>N: windows (series) in the batch.</summary>
    public int Series { get; }

    /// <summary>T: steps per window.</summary>
    public int Steps { get; }

    public int InputFeatures { get; }
    public int Outputs { get; }
    public float[] Inputs { get; }
    public float[] Targets { get; }

    public ReadOnlySpan<float> Input(int series, int step) => Inputs.AsSpan((series * Steps + step) * InputFeatures, InputFeatures);
    public ReadOnlySpan<float> Target(int series, int step) => Targets.AsSpan((series * Steps + step) * Outputs, Outputs);
}
