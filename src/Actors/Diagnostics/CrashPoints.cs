using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace RnnStream.Actors.Diagnostics;

/// <summary>
/// Named places where a crash test can make the process die by SIGKILL, deterministically: set
/// <c>RNNSTREAM_CRASH_AT=NAME:N</c> and the process kills itself the N-th time it reaches NAME,
/// after one line on stderr saying so (the test's proof that the point was hit). Without the
/// variable each call is one test of a static field. The points: <c>retrain</c> (a retrain has
/// taken its windows and is training), <c>checkpoint-part-stored</c> (a part of a checkpoint is in
/// the store, the checkpoint not yet committed), <c>tick</c> (a tick enters the router), <c>key-group-batch</c>
/// (a key group takes a batch of ticks: on a cluster, the node dies with its key groups).
/// </summary>
public static class CrashPoints
{
    public const string Variable = "RNNSTREAM_CRASH_AT";
    public const string Retrain = "retrain";
    public const string CheckpointPartStored = "checkpoint-part-stored";
    public const string Tick = "tick";
    public const string KeyGroupBatch = "key-group-batch";

    private static readonly (string Name, long Count)? Armed = Parse(Environment.GetEnvironmentVariable(Variable));
    private static readonly ConcurrentDictionary<string, long> Reached = new();

    public static bool IsArmed => Armed is not null;

    /// <summary>Counts one more arrival at <paramref name="name"/>, and dies there if that is the armed arrival.</summary>
    public static void Reach(string name)
    {
        if (Armed is not { } armed || armed.Name != name) return;
        if (Reached.AddOrUpdate(name, 1, (_, n) => n + 1) != armed.Count) return;
        Console.Error.WriteLine($"crash point {name}:{armed.Count} reached: killing the process");
        Console.Error.Flush();
        Process.GetCurrentProcess().Kill();
        Thread.Sleep(Timeout.Infinite);
    }

    private static (string, long)? Parse(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        var parts = value.Split(':');
        if (parts.Length != 2 || parts[0] is not (Retrain or CheckpointPartStored or Tick or KeyGroupBatch)
            || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out long count) || count < 1)
            throw new InvalidOperationException($"{Variable}={value}: expected NAME:N with NAME one of {Retrain}, {CheckpointPartStored}, {Tick}, {KeyGroupBatch} and N >= 1");
        return (parts[0], count);
    }
}
