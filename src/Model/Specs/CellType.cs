namespace RnnStream.Model.Specs;

/// <summary>The recurrent cell of one layer. LSTM and GRU gate their memory against vanishing gradients.</summary>
public enum CellType
{
    SimpleRnn,
    Lstm,
    Gru,
}
