using System.Runtime.InteropServices;
using Akka;
using Akka.Actor;
using RnnStream.Actors.Pipeline;
using Spectre.Console;

namespace RnnStream.Host.Running;

/// <summary>
/// How a run stops when asked: Ctrl+C (SIGINT) and SIGTERM start the actor system's
/// CoordinatedShutdown, whose first phase drains the pipeline (in-flight ticks are forecast and
/// written, the last checkpoint taken) and holds the system until the run is done with it; only
/// then do the later phases terminate it. One path for every way of asking.
/// </summary>
internal static class RunShutdown
{
    /// <summary>Longest a drain may hold the shutdown (a replay waits for the retrain in progress).</summary>
    public static readonly TimeSpan DrainTimeout = TimeSpan.FromMinutes(30);

    /// <param name="finished">Completes when the run has finished using the system.</param>
    public static IDisposable Install(ActorSystem system, RunHandle run, Task finished, IAnsiConsole console)
    {
        var shutdown = CoordinatedShutdown.Get(system);
        shutdown.AddTask(CoordinatedShutdown.PhaseBeforeServiceUnbind, "rnnstream-drain", async () =>
        {
            run.Drain();
            await finished;
            return Done.Instance;
        });
        PosixSignalRegistration Signal(PosixSignal signal, string name) => PosixSignalRegistration.Create(signal, context =>
        {
            context.Cancel = true;
            console.MarkupLine($"[yellow]{name}: draining in-flight ticks...[/]");
            Begin(system, name);
        });
        var interrupt = Signal(PosixSignal.SIGINT, "Ctrl+C");
        var terminate = Signal(PosixSignal.SIGTERM, "SIGTERM");
        return new Registrations(interrupt, terminate);
    }

    public static void Begin(ActorSystem system, string why) => _ = CoordinatedShutdown.Get(system).Run(new StopRequested(why));

    private sealed class StopRequested(string why) : CoordinatedShutdown.Reason
    {
        /// <summary>A drained run ends normally; the command decides its own exit code.</summary>
        public override int ExitCode => 0;

        public override string ToString() => why;
    }

    private sealed class Registrations(params IDisposable[] registrations) : IDisposable
    {
        public void Dispose()
        {
            foreach (var registration in registrations) registration.Dispose();
        }
    }
}
