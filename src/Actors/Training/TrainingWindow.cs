namespace RnnStream.Actors.Training;

/// <summary>
/// A stretch of one series, ready for training: network inputs (steps × D) and the targets
/// horizon steps later (steps × K), both normalized with the series' statistics at the time.
/// Ordered by (end time, series), which makes every cut of the replay buffer reproducible.
/// </summary>
public sealed record TrainingWindow(string SeriesId, DateTime EndTime, float[] Inputs, float[] Targets, int Steps) : IComparable<TrainingWindow>
{
    public int CompareTo(TrainingWindow? other)
    {
        if (other is null) return 1;
        int byTime = EndTime.CompareTo(other.EndTime);
        return byTime != 0 ? byTime : string.CompareOrdinal(SeriesId, other.SeriesId);
    }
}
