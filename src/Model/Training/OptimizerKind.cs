namespace RnnStream.Model.Training;

public enum OptimizerKind
{
    Adam,
    Sgd,
}
