using RnnStream.Actors.Series;

using RnnStream.Actors.Training;

namespace RnnStream.Actors.Tests.Training;

/// <summary>Training windows of one input and one target per step, one a day, for the retrain tests.</summary>
internal static class TrainingWindows
{
    public const int Steps = 16;
    public static readonly DateTime Start = new(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    /// <summary>Window i (ending on day i) of a sine whose next value is the target: a pattern a small network learns.</summary>
    public static TrainingWindow Sine(int i, string series = "s")
    {
        var inputs = new float[Steps];
        var targets = new float[Steps];
        for (int t = 0; t < Steps; t++)
        {
            inputs[t] = MathF.Sin(0.5f * (i * 3 + t));
            targets[t] = MathF.Sin(0.5f * (i * 3 + t + 1));
        }
        return new TrainingWindow(series, Start.AddDays(i), inputs, targets, Steps);
    }

    /// <summary>Window i whose input is 1 and whose target is <paramref name="level"/> at every step.</summary>
    public static TrainingWindow Constant(int i, float level) =>
        new("s", Start.AddDays(i), Enumerable.Repeat(1f, Steps).ToArray(), Enumerable.Repeat(level, Steps).ToArray(), Steps);
}
