using RnnStream.Feeds.Records;

namespace RnnStream.Actors.Series;

/// <summary>A tick a series could not process: delivered instead of a prediction, so the stream's accounting stays exact and the error is counted, never lost.</summary>
public static class FailedPrediction
{
    public const string Forecaster = "failed";

    public static Prediction For(Tick tick, Exception error) =>
        new(tick.SeriesId, tick.RawTimestamp, null, null, [], [], -1, Forecaster, tick.ReceivedAt, tick.Offset, PredictionFailure.Of(error));
}
