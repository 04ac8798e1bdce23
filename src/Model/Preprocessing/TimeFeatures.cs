namespace RnnStream.Model.Preprocessing;

/// <summary>
/// Calendar position as smooth inputs: time of day and day of week, each as a sin/cos pair, so
/// 23:59 sits next to 00:00 and Sunday next to Monday.
/// </summary>
public static class TimeFeatures
{
    /// <summary>Values written: sin and cos of the time of day, then of the day of week.</summary>
    public const int Count = 4;

    public static void Write(DateTime timestamp, Span<float> destination)
    {
        if (destination.Length < Count) throw new ArgumentException($"needs room for {Count} values", nameof(destination));
        double dayFraction = timestamp.TimeOfDay.TotalDays;
        int mondayBased = ((int)timestamp.DayOfWeek + 6) % 7;
        double weekFraction = (mondayBased + dayFraction) / 7.0;
        destination[0] = (float)Math.Sin(2 * Math.PI * dayFraction);
        destination[1] = (float)Math.Cos(2 * Math.PI * dayFraction);
        destination[2] = (float)Math.Sin(2 * Math.PI * weekFraction);
        destination[3] = (float)Math.Cos(2 * Math.PI * weekFraction);
    }

    public static void Write(DateTimeOffset timestamp, Span<float> destination) => Write(timestamp.DateTime, destination);
}
