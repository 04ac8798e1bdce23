using System.Runtime.InteropServices;
using Akka.Actor;
using Akka.Streams;
using Akka.Streams.Dsl;
using RnnStream.Feeds.Records;
using RnnStream.Host.Configuration;
using Spectre.Console;

namespace RnnStream.Host.Running;

/// <summary>
/// A socket feed's first ticks, held before the model is built so its auto keys are chosen from
/// them, as a file feed's are from its first rows; then they are forecast like every tick after
/// them. The hold ends at detection.warm-up-ticks ticks (auto: <see cref="FeedWarmUp.MostTicks"/>),
/// at detection.socket-wait after the first tick, when the feed ends, or at four records a tick
/// wanted (a client of mostly bad lines). No choice is made from a tick that came after the hold,
/// so what is scored after it stays honest.
/// </summary>
internal static class SocketWarmUp
{
    /// <summary>The most ticks held, whatever detection.warm-up-ticks says: they wait in memory, unforecast.</summary>
    public const int MostHeld = 1 << 20;

    /// <returns>The feed to run: the same records in the same order, the held ones first.</returns>
    /// <exception cref="WarmUpStoppedException">Ctrl+C, SIGTERM or <paramref name="cancellation"/> during the hold.</exception>
    public static async Task<OpenedFeed> HoldAsync(ActorSystem system, OpenedFeed feed, Deployment deployment, IAnsiConsole console, CancellationToken cancellation)
    {
        int wanted = (int)Math.Min(deployment.WarmUpTicks ?? FeedWarmUp.MostTicks, MostHeld);
        TimeSpan wait = deployment.SocketWait ?? throw new InvalidOperationException("detection.socket-wait is off: nothing is held");
        var held = new HeldRecords(wanted);
        // While the hold is open, records are taken out of the stream into the held list (the one-place
        // buffer asks for them while nothing downstream does yet); once it closes they pass on to the
        // publisher, which keeps them for the pipeline built from the choices, to follow the held ones.
        var (ended, publisher) = feed.Batches
            .SelectMany(batch => batch)
            .WatchTermination(Keep.Right)
            .Where(record => !held.Take(record))
            .Buffer(1, OverflowStrategy.Backpressure)
            .ToMaterialized(Sink.AsPublisher<FeedRecord>(fanout: false), Keep.Both)
            .Run(system.Materializer());
        console.MarkupLine($"holding the socket feed's first {wanted:N0} ticks (at most {Seconds(wait)} after the first) to choose the auto keys from");

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        string? stoppedBy = null;
        PosixSignalRegistration StopOn(PosixSignal signal, string name) => PosixSignalRegistration.Create(signal, context =>
        {
            context.Cancel = true;
            stoppedBy = name;
            stop.Cancel();
        });
        using (StopOn(PosixSignal.SIGINT, "Ctrl+C"))
        using (StopOn(PosixSignal.SIGTERM, "SIGTERM"))
        {
            // WhenAny returns on a cancelled delay as on any other: a stop ends either wait.
            await Task.WhenAny(held.First, ended, Task.Delay(Timeout.Infinite, stop.Token));
            if (held.First.IsCompleted && !stop.IsCancellationRequested)
                await Task.WhenAny(held.Full, Task.Delay(wait, stop.Token), ended);
        }
        var records = held.Close();
        var ticks = records.OfType<Tick>().ToList();
        // A socket that could not be bound, say: the run has nothing to choose from, and must not keep a choice made from nothing.
        if (ended.IsFaulted)
            throw new RunFailedException($"the run stopped during the socket feed's warm-up: {ended.Exception!.GetBaseException().Message}; nothing was forecast or kept", ended.Exception);
        if (stop.IsCancellationRequested)
            throw new WarmUpStoppedException($"{stoppedBy ?? "stopped"} during the socket feed's warm-up: {ticks.Count:N0} ticks were held and none was forecast; " +
                "nothing was kept (their clients, if they wait for acks, send them again)");

        int series = ticks.Select(t => t.SeriesId).Distinct(StringComparer.Ordinal).Count();
        string why = held.TooManyRejects ? $"{records.Count:N0} records held, the others not ticks"
            : held.Full.IsCompleted ? "detection.warm-up-ticks"
            : ended.IsCompleted ? "the feed ended"
            : $"all that came in {Seconds(wait)} after the first; detection.socket-wait";
        var choices = ticks.Count == 0 ? InputChoices.Undetected(held.TooManyRejects ? $"nothing: the first {records.Count:N0} records held no tick" : "nothing: the socket feed ended before its first tick")
            : feed.Targets.Count == 0 ? InputChoices.Undetected("nothing: the feed has no features")
            : InputDetection.Choose(ticks, feed.Targets[0], $"the first {ticks.Count:N0} ticks of the socket feed ({series:N0} series; {why})") with
            {
                WarmUpTicks = ticks.Count,
            };
        deployment.ChooseFrom(choices);
        return feed with { Batches = Source.From(records).Concat(Source.FromPublisher(publisher)).Via(Feeds.Sources.RecordBatches.Gather()) };
    }

    private static string Seconds(TimeSpan wait) => $"{wait.TotalSeconds:0.###} s";

    /// <summary>
    /// The records taken while the hold is open: up to the ticks wanted, and at most
    /// <see cref="RecordsPerTick"/> records a tick wanted (rejects and gaps among them), so a client
    /// sending only bad lines cannot fill memory. Taken on the stream's thread, closed on the caller's;
    /// once a record is not taken, none after it is, so the held ones all come before the rest.
    /// </summary>
    private sealed class HeldRecords(int wanted)
    {
        public const int RecordsPerTick = 4;
        private readonly List<FeedRecord> _records = [];
        private readonly TaskCompletionSource _first = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _full = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _ticks;

        /// <summary>Read without the lock: every record of the run passes here, long after the hold.</summary>
        private volatile bool _open = true;

        public Task First => _first.Task;

        /// <summary>The hold is over: the ticks wanted came, or too many records that were not ticks.</summary>
        public Task Full => _full.Task;

        public bool TooManyRejects { get; private set; }

        /// <returns>True when the record is held (taken out of the stream until the hold closes).</returns>
        public bool Take(FeedRecord record)
        {
            if (!_open) return false;
            lock (_records)
            {
                if (!_open) return false;
                if (_ticks >= wanted) return _open = false;
                if (_records.Count >= RecordsPerTick * (long)wanted)
                {
                    // Mostly bad lines: choose from the ticks among them rather than wait for more.
                    TooManyRejects = true;
                    _first.TrySetResult();
                    _full.TrySetResult();
                    return _open = false;
                }
                _records.Add(record);
                if (record is not Tick) return true;
                if (++_ticks == 1) _first.TrySetResult();
                if (_ticks == wanted) _full.TrySetResult();
                return true;
            }
        }

        /// <summary>What was held; nothing after it is.</summary>
        public IReadOnlyList<FeedRecord> Close()
        {
            lock (_records)
            {
                _open = false;
                return [.. _records];
            }
        }
    }
}
