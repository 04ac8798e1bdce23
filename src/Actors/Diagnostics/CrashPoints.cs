using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace RnnStream.Actors.Diagnostics;

/// <summary>
/// Named places where a crash test can make the process die by SIGKILL, deterministically: set
/// <c>RNNSTREAM_CRASH_AT=NAME:N</c> and the process kills itself the N-th time it reaches NAME
/// (<c>NAME:N:term</c>: sends itself SIGTERM there instead, a graceful stop at a known point),
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
    public const string CheckpointCommitted = "checkpoint-committed";

    private static readonly (string Name, long Count, bool Terminate)? Armed = Parse(Environment.GetEnvironmentVariable(Variable));
    private static readonly ConcurrentDictionary<string, long> Reached = new();

    public static bool IsArmed => Armed is not null;

    /// <summary>Counts one more arrival at <paramref name="name"/>, and dies there if that is the armed arrival.</summary>
    public static void Reach(string name)
    {
        if (Armed is not { } armed || armed.Name != name) return;
        if (Reached.AddOrUpdate(name, 1, (_, n) => n + 1) != armed.Count) return;
        if (armed.Terminate)
        {
            // As an operator's `kill -TERM`: the process shuts down in its own way (CoordinatedShutdown) while this thread goes on.
            Console.Error.WriteLine($"crash point {name}:{armed.Count} reached: sending SIGTERM to the process");
            Console.Error.Flush();
            if (SendSignal(Environment.ProcessId, SigTerm) != 0) throw new InvalidOperationException($"kill(SIGTERM) failed: errno {System.Runtime.InteropServices.Marshal.GetLastPInvokeError()}");
            return;
        }
        Console.Error.WriteLine($"crash point {name}:{armed.Count} reached: killing the process");
        Console.Error.Flush();
        Process.GetCurrentProcess().Kill();
        Thread.Sleep(Timeout.Infinite);
    }

    private const int SigTerm = 15;

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int pid, int signal);

    private static (string, long, bool)? Parse(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        var parts = value.Split(':');
        if (parts.Length is not (2 or 3) || parts[0] is not (Retrain or CheckpointPartStored or CheckpointCommitted or Tick or KeyGroupBatch)
            || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out long count) || count < 1
            || parts.Length == 3 && parts[2] != "term")
            throw new InvalidOperationException($"{Variable}={value}: expected NAME:N[:term] with NAME one of {Retrain}, {CheckpointPartStored}, {CheckpointCommitted}, {Tick}, {KeyGroupBatch}, " +
                "N >= 1, and :term to send SIGTERM instead of SIGKILL");
        return (parts[0], count, parts.Length == 3);
    }
}
