namespace RnnStream.Model.Specs;

/// <summary>What the dense head predicts for each of the K outputs, and so which loss trains it.</summary>
public enum OutputHead
{
    /// <summary>A point forecast per output, trained with mean squared error.</summary>
    Point,

    /// <summary>A mean and a variance per output (2K units), trained with the Gaussian negative log-likelihood; it yields prediction intervals.</summary>
    Gaussian,
}
