namespace RnnStream.Feeds.Records;

/// <summary>
/// Why a tick got no forecast: carried by the <see cref="Prediction"/> that stands in for it, so the
/// stream's accounting stays exact and the error is counted, never lost, and never written as data.
/// </summary>
public sealed record PredictionFailure(string ErrorType, string Message)
{
    public static PredictionFailure Of(Exception error) => new(error.GetType().Name, error.Message);

    public override string ToString() => $"{ErrorType}: {Message}";
}
