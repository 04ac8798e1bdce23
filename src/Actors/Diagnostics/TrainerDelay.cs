using System.Globalization;

namespace RnnStream.Actors.Diagnostics;

/// <summary>
/// Makes every retrain this much slower (<c>RNNSTREAM_TRAINER_DELAY_MS=N</c>), as on a slower or
/// busier machine: what the test of a replay's overlapped retrains sets to show that the forecasts
/// do not depend on how fast the trainer is. Without the variable it costs one test of a static field.
/// </summary>
public static class TrainerDelay
{
    public const string Variable = "RNNSTREAM_TRAINER_DELAY_MS";

    private static readonly TimeSpan? Delay = Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } text
        ? int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int milliseconds) ? TimeSpan.FromMilliseconds(milliseconds)
            : throw new InvalidOperationException($"{Variable}={text}: expected a number of milliseconds")
        : null;

    /// <summary>Called on the trainer's own thread, before a retrain trains.</summary>
    public static void Apply()
    {
        if (Delay is { } delay) Thread.Sleep(delay);
    }
}
