namespace RnnStream.Model.Specs;

/// <summary>The activation of a SimpleRnn layer (LSTM and GRU use their fixed gate functions).</summary>
public enum Activation
{
    Tanh,
    Relu,
}
