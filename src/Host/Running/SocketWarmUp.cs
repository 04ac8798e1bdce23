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
/// at detection.socket-wait after the first tick, or when the feed ends. No choice is made from a
/// tick that came after the hold, so what is scored after it stays honest.
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
        var held = new HeldTicks(wanted);
        // The buffer reads the warm-up in while nothing downstream asks yet; the publisher keeps what it
        // holds, in order, for the pipeline built from the choices. After that the buffer just passes records on.
        var (ended, publisher) = feed.Records
            .Select(record =>
            {
                held.See(record);
                return record;
            })
            .WatchTermination(Keep.Right)
            .Buffer(wanted, OverflowStrategy.Backpressure)
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
            var stopped = Task.Delay(Timeout.Infinite, stop.Token).ContinueWith(_ => { }, TaskScheduler.Default);
            await Task.WhenAny(held.First, ended, stopped);
            if (held.First.IsCompleted && !stop.IsCancellationRequested)
                await Task.WhenAny(held.Full, Task.Delay(wait, stop.Token).ContinueWith(_ => { }, TaskScheduler.Default), ended);
        }
        var ticks = held.Close();
        // A socket that could not be bound, say: the run has nothing to choose from, and must not keep a choice made from nothing.
        if (ended.IsFaulted)
            throw new RunFailedException($"the run stopped during the socket feed's warm-up: {ended.Exception!.GetBaseException().Message}; nothing was forecast or kept", ended.Exception);
        if (stop.IsCancellationRequested)
            throw new WarmUpStoppedException($"{stoppedBy ?? "stopped"} during the socket feed's warm-up: {ticks.Count:N0} ticks were held and none was forecast; " +
                "nothing was kept (their clients, if they wait for acks, send them again)");

        int series = ticks.Select(t => t.SeriesId).Distinct(StringComparer.Ordinal).Count();
        string why = held.Full.IsCompleted ? "detection.warm-up-ticks"
            : ended.IsCompleted ? "the feed ended"
            : $"all that came in {Seconds(wait)} after the first; detection.socket-wait";
        var choices = ticks.Count == 0 ? InputChoices.Undetected("nothing: the socket feed ended before its first tick")
            : feed.Targets.Count == 0 ? InputChoices.Undetected("nothing: the feed has no features")
            : InputDetection.Choose(ticks, feed.Targets[0], $"the first {ticks.Count:N0} ticks of the socket feed ({series:N0} series; {why})") with
            {
                WarmUpTicks = ticks.Count,
            };
        deployment.ChooseFrom(choices);
        return feed with { Records = Source.FromPublisher(publisher) };
    }

    private static string Seconds(TimeSpan wait) => $"{wait.TotalSeconds:0.###} s";

    /// <summary>The ticks seen while the hold lasts, up to the number wanted; seen on the stream's thread, read on the caller's.</summary>
    private sealed class HeldTicks(int wanted)
    {
        private readonly List<Tick> _ticks = [];
        private readonly TaskCompletionSource _first = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _full = new(TaskCreationOptions.RunContinuationsAsynchronously);
        /// <summary>Read without the lock: every record of the run passes here, long after the hold.</summary>
        private volatile bool _closed;

        public Task First => _first.Task;
        public Task Full => _full.Task;

        public void See(FeedRecord record)
        {
            if (_closed || record is not Tick tick) return;
            lock (_ticks)
            {
                if (_closed || _ticks.Count >= wanted) return;
                _ticks.Add(tick);
                if (_ticks.Count == 1) _first.TrySetResult();
                if (_ticks.Count == wanted) _full.TrySetResult();
            }
        }

        /// <summary>What was seen; later ticks are not looked at.</summary>
        public IReadOnlyList<Tick> Close()
        {
            lock (_ticks)
            {
                _closed = true;
                return [.. _ticks];
            }
        }
    }
}
