using System.Runtime.Intrinsics;
using Akka.Actor;
using Akka.Configuration;
using RnnStream.Actors.Persistence;
using RnnStream.Actors.Pipeline;
using RnnStream.Feeds.Sinks;
using RnnStream.Host.Configuration;
using RnnStream.Model.Weights;
using Spectre.Console;

namespace RnnStream.Host.Running;

/// <summary>`rnnstream run`: builds the deployment, runs it to the end of its feed (or Ctrl+C / SIGTERM), shows progress and a per-series table.</summary>
internal static class RunCommand
{
    public static async Task<int> ExecuteAsync(Deployment deployment, IAnsiConsole console, IAnsiConsole progressConsole, CancellationToken cancellation = default)
    {
        using var locks = LockFiles(deployment);
        await using var service = await Http.LiveService.StartAsync(deployment, new Http.ServiceState());
        if (service is not null) progressConsole.MarkupLine($"live service: {Markup.Escape(service.Address.ToString())} (/metrics, /health, /series/ID)");
        var run = await RunToEndAsync(deployment, progressConsole, cancellation, service: service?.State);
        // Ticks that all failed are not the end of the feed: the table below says how many.
        if (deployment.DataDirectory is { } directory && run.Metrics.Latency.Count == 0 && run.Metrics.Failures == 0 && deployment.FeedType != "tcp")
        {
            // Resumed at the end of its feed: there is no run to report on, only the one that finished before.
            console.MarkupLine($"nothing left to forecast: the run in {Markup.Escape(directory)} had already reached the end of its feed " +
                $"({run.Metrics.Predictions:N0} predictions written). Its results are beside " +
                $"{Markup.Escape(deployment.PredictionsPath ?? "the predictions")}; give another --data-dir to run it again.");
            return 0;
        }
        WriteResults(console, deployment, run);
        var (exit, warning) = ExitFor(run.Checkpoints);
        if (warning is not null) Console.Error.WriteLine($"rnnstream: {warning}");
        return exit;
    }

    /// <summary>The end of a run: the accuracy table, and beside the predictions file its per-series metrics and the final weights.</summary>
    public static void WriteResults(IAnsiConsole console, Deployment deployment, RunHandle run)
    {
        ResultsTable.Write(console, run.Metrics);
        if (deployment.QuarantinePath is { } quarantine && !DevicePath.Is(quarantine))
            console.MarkupLine($"quarantine: {Markup.Escape(quarantine)} ({(run.Metrics.RejectsByReason.Values.Sum() is var rejected and > 0 ? $"{rejected:N0} line{(rejected == 1 ? "" : "s")} set aside" : "nothing set aside")})");
        if (deployment.PredictionsPath is not { } predictions || DevicePath.Is(predictions)) return;
        string directory = Path.GetDirectoryName(predictions)!;
        string stem = Path.GetFileNameWithoutExtension(predictions);
        ResultsTable.WriteCsv(Path.Combine(directory, $"{stem}.metrics.csv"), run.Metrics);
        string weightsPath = Path.Combine(directory, $"{stem}.weights.rnnw");
        using (var file = File.Create(weightsPath)) ModelWeightsSerializer.Write(run.Registry.Current.Weights, file);
        console.MarkupLine($"predictions: {Markup.Escape(predictions)}; per-series metrics: {Markup.Escape(stem)}.metrics.csv; final weights (version {run.Registry.Version}): {Markup.Escape(weightsPath)}");
    }

    /// <summary>Exit code 3 when the run finished but some of its checkpoints failed: durability was not what it promised, and the operator must hear it.</summary>
    public const int CheckpointsFailedExit = 3;

    public static (int Exit, string? Warning) ExitFor(CheckpointStats? checkpoints)
    {
        // Not committed by the end: failed, or still unanswered by a store that stopped answering.
        long lost = checkpoints is null ? 0 : checkpoints.StartedCount - checkpoints.CommittedCount;
        if (checkpoints is null || lost <= 0) return (0, null);
        long unanswered = lost - checkpoints.FailedCount;
        string how = unanswered > 0 ? $"{checkpoints.FailedCount:N0} failed, {unanswered:N0} never answered by the store" : $"{checkpoints.FailedCount:N0} failed";
        return (CheckpointsFailedExit, $"the run finished, but {lost:N0} of {checkpoints.StartedCount:N0} checkpoints were not committed " +
                                       $"({how}; see the log for why); a restart with this --data-dir resumes from checkpoint {checkpoints.LastCommitted:N0}");
    }

    /// <summary>
    /// Before anything is opened or truncated, and until the last file is written: a second run on
    /// the same data directory or output files must touch nothing.
    /// </summary>
    public static RunLocks LockFiles(Deployment deployment) => RunLocks.Acquire(deployment.DataDirectory,
        [deployment.OutputFormat is "csv" or "jsonl" ? deployment.PredictionsPath : null, deployment.QuarantinePath]);

    /// <summary>Runs the deployment until its feed ends (or it is stopped) and everything is written; the handle's metrics stay readable after.</summary>
    /// <param name="tap">Sees every prediction on its way to the output (on the stream's thread), e.g. to trace one series for plots.</param>
    /// <param name="service">The live service's view, told when the run has started; its page's series events tap the predictions.</param>
    public static async Task<RunHandle> RunToEndAsync(Deployment deployment, IAnsiConsole progressConsole, CancellationToken cancellation = default,
        Action<Feeds.Records.Prediction>? tap = null, Http.ServiceState? service = null)
    {
        if (service is not null) tap = tap.Then(service.Events.Tap);
        var systemConfig = ConfigurationFactory.ParseString($"akka.loglevel = WARNING\nakka.stdout-loglevel = WARNING\n" +
                $"akka.coordinated-shutdown.phases.before-service-unbind.timeout = {RunShutdown.DrainTimeout.TotalSeconds:F0}s").WithFallback(PipelineConfig.Config);
        if (deployment.DataDirectory is not null) systemConfig = systemConfig.WithFallback(StoreConfig(deployment));
        using var system = ActorSystem.Create("rnnstream", systemConfig);
        var durability = deployment.DataDirectory is null ? null : await OpenDurability(system, deployment);
        if (durability?.Last is { } lastCommitted) CheckOutputContinues(deployment, lastCommitted);
        if (durability is { IsResumed: true, Last: { } last })
            progressConsole.MarkupLine($"resuming from checkpoint {last.Number} in {Markup.Escape(deployment.DataDirectory!)}: feed row {last.NextOffset:N0}, " +
                $"{last.PredictionsWritten:N0} predictions written, weights v{last.WeightsVersion}, read back in {durability.RecoveryTime.TotalMilliseconds:N0} ms");
        var feed = FeedFactory.Open(system, deployment);
        // Said once bound, with the real port: a client (or a test that asked for port 0) knows where to connect, warm-up or not.
        var batchTap = feed.Serve(durability, progressConsole, tap);
        // A resume takes the choices its first run kept; one from an older build, which kept none, chose the fixed defaults.
        if (deployment.HoldsSocketWarmUp && durability?.IsResumed != true)
            feed = await SocketWarmUp.HoldAsync(system, feed, deployment, progressConsole, cancellation);
        var spec = deployment.Spec(feed.Features.Count, feed.Targets.Count);
        var weights = DeploymentPipeline.InitialWeights(deployment, spec);
        var (settings, training) = DeploymentPipeline.Settings(deployment, feed, replayableFeed: deployment.FeedType != "tcp");
        string model = ModelAgreement.Describe(spec, settings.Series, settings.Router.Partitions);
        KeptModel.RequireSame(deployment, model, resumed: durability?.IsResumed == true);

        progressConsole.MarkupLine($"[bold]rnnstream[/] {Markup.Escape(feed.Description)}: {spec.Layers.Count}×{Markup.Escape(spec.Layers[0].KerasTypeName)}({string.Join(",", spec.Layers.Select(l => l.Units))}), " +
            $"D={spec.InputFeatures}, K={spec.OutputUnits} ({Markup.Escape(string.Join(", ", settings.Series.TargetNames))}), horizon {spec.Horizon}, {spec.ParameterCount:N0} parameters, " +
            $"AVX-512 {(Vector512.IsHardwareAccelerated ? "on" : "off")}; {Markup.Escape(training)}");

        var (output, commits) = durability is null
            ? (OutputFactory.Predictions(deployment, batchTap), null)
            : OutputFactory.Durable(deployment, durability.Last, batchTap);
        var run = LivePipeline.Run(system, feed.Batches, weights, settings, output, OutputFactory.Quarantine(deployment),
            durability: durability, outputCommits: commits);
        // Kept once the data directory's state was accepted for this model: a refused start leaves neither behind.
        deployment.KeepBasis();
        KeptModel.Keep(deployment, model);
        service?.Started(run, feed.Description);

        // CoordinatedShutdown (a signal, or the caller's cancellation) drains the stream and lets the system go only once this method is done with it.
        var finished = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var stop = RunShutdown.Install(system, run, finished.Task, progressConsole);
        using var cancelRegistration = cancellation.Register(() => RunShutdown.Begin(system, "cancelled"));
        await ProgressDisplay.RunAsync(run, progressConsole, deployment.ProgressEvery);
        try
        {
            await run.Completion;
        }
        catch (Exception e)
        {
            finished.TrySetResult();
            string state = durability is null ? "no durable state was kept (no --data-dir)"
                : run.Checkpoints?.LastCommitted is > 0 and var committed ? $"a restart with the same --data-dir resumes from checkpoint {committed}"
                : durability.Last is { } resumedFrom ? $"a restart with the same --data-dir resumes from checkpoint {resumedFrom.Number}"
                : "no checkpoint was committed yet";
            await system.Terminate();
            throw new RunFailedException($"the run stopped: {e.GetBaseException().Message}; {state}", e);
        }
        finished.TrySetResult();
        await system.Terminate();
        if (deployment.FeedType == "tcp") progressConsole.MarkupLine($"tcp feed: {deployment.TcpCounters}");
        if (NoRetrain(settings.Schedule, run.Metrics) is { } why) progressConsole.MarkupLine($"[yellow]no retrain in this run:[/] {Markup.Escape(why)}");
        if (run.Checkpoints is { } checkpoints)
            progressConsole.MarkupLine($"checkpoints: {checkpoints.CommittedCount:N0} committed, {checkpoints.FailedCount:N0} failed; last committed {checkpoints.LastCommitted:N0}" +
                (checkpoints.MeanCommitTime > TimeSpan.Zero ? $"; cut to commit {checkpoints.MeanCommitTime.TotalMilliseconds:N0} ms mean, {checkpoints.MaxCommitTime.TotalMilliseconds:N0} ms max" : ""));
        return run;
    }

    /// <summary>Why the weights never changed, when no retrain ran at all; null when one did.</summary>
    private static string? NoRetrain(RetrainSchedule? schedule, Actors.Metrics.RunMetrics metrics)
    {
        if (metrics.Retrains.Count > 0 || metrics.RetrainsStarted > 0) return null;
        if (schedule is null) return "retraining is off (training.auto = off and no training.every-* key); the forecasts are the initial weights' and the baselines'";
        if (schedule.EveryTicks > 0 && metrics.Predictions <= schedule.EveryTicks)
            return $"the feed ended after {metrics.Predictions:N0} ticks, before the first retrain was due at {schedule.EveryTicks:N0} (set training.every-ticks lower)";
        if (schedule.NotBefore is { } start) return $"none was due after training.not-before ({start:u})";
        return schedule.EveryWallClock is { } clock
            ? $"the run lasted {metrics.Elapsed.TotalSeconds:N0} s, less than the {clock} between retrains"
            : "none came due on the schedule's event-time period";
    }

    /// <summary>The durable state, read and checked; damage ends the command (exit 2) with the way out, never a different forecast.</summary>
    private static async Task<Durability> OpenDurability(ActorSystem system, Deployment deployment)
    {
        try
        {
            return await Durability.OpenAsync(system, deployment.CheckpointEvery, TimeSpan.FromSeconds(30), deployment.CheckpointInterval, deployment.ResumeFromPrevious);
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or System.Data.Common.DbException)
        {
            await system.Terminate();
            throw DamagedStore(e.Message.TrimEnd('.'), deployment.DataDirectory!, e);
        }
    }

    /// <summary>
    /// The predictions file a resume continues must still hold what the checkpoint committed: at
    /// least that many bytes, the last of them ending a row, and those bytes the ones it hashed. Otherwise continuing it would fuse rows
    /// or lose them, and a restart would fail the same way: say so before anything is written.
    /// </summary>
    internal static void CheckOutputContinues(Deployment deployment, CheckpointCommitted committed)
    {
        if (deployment.OutputFormat is not ("csv" or "jsonl") || deployment.PredictionsPath is not { } path || committed.OutputLength <= 0) return;
        string wayOut = $"Put back the file as checkpoint {committed.Number} left it, or start over: move the data directory '{deployment.DataDirectory}' away (or give another --data-dir).";
        var file = new FileInfo(path);
        if (!file.Exists || file.Length < committed.OutputLength)
            throw new InvalidDataException($"'{path}' has {(file.Exists ? file.Length : 0):N0} bytes, less than the {committed.OutputLength:N0} checkpoint {committed.Number} committed: " +
                $"it was cut or replaced since. {wayOut}");
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        stream.Seek(committed.OutputLength - 1, SeekOrigin.Begin);
        if (stream.ReadByte() != '\n')
            throw new InvalidDataException($"'{path}' does not end a row at byte {committed.OutputLength:N0}, where checkpoint {committed.Number} committed it: " +
                $"it was edited since. {wayOut}");
        if (committed.OutputSha256.Length > 0 && !PrefixHashingStream.HashOf(path, committed.OutputLength).AsSpan().SequenceEqual(committed.OutputSha256))
            throw new InvalidDataException($"'{path}' differs in its first {committed.OutputLength:N0} bytes from what checkpoint {committed.Number} committed (their SHA-256 does not match): " +
                $"it was edited since. {wayOut}");
    }

    /// <summary>The store's configuration, once its files are known to be whole (opening them sets their journal mode).</summary>
    private static Config StoreConfig(Deployment deployment)
    {
        // Before the store's plugins start: they initialize missing tables, which would hide an emptied journal.
        CheckStoreFiles(deployment);
        if (deployment.PersistenceProvider == "sqlite" && DiskSpace.FreeUnder(deployment.DataDirectory!) is < DiskSpace.MinimumForAStore and var free)
            throw new InvalidDataException($"the disk under the data directory '{deployment.DataDirectory}' is full ({free:N0} bytes free); nothing was written. " +
                "Free space there and run again.");
        try
        {
            return PersistenceConfig.For(deployment.DataDirectory!, deployment.PersistenceProvider, deployment.PersistenceConnectionString);
        }
        catch (System.Data.Common.DbException e)
        {
            throw DamagedStore($"the store in '{deployment.DataDirectory}' cannot be opened: {e.Message.TrimEnd('.')}", deployment.DataDirectory!, e);
        }
    }

    /// <summary>
    /// The embedded store's two files belong together: snapshots without a journal (emptied, cut to
    /// nothing, or deleted) are damage, not a fresh start, which would overwrite the outputs.
    /// </summary>
    private static void CheckStoreFiles(Deployment deployment)
    {
        if (deployment.PersistenceProvider != "sqlite" || deployment.DataDirectory is not { } directory) return;
        var journal = new FileInfo(Path.Combine(directory, "journal.db"));
        var snapshots = new FileInfo(Path.Combine(directory, "snapshots.db"));
        if (snapshots.Exists && snapshots.Length > 0 && (!journal.Exists || journal.Length == 0))
            throw DamagedStore($"the journal '{journal.FullName}' is {(journal.Exists ? "empty" : "missing")} while the snapshots are not: the journal is damaged", directory);
    }

    /// <summary>Damaged durable state: what is wrong, that nothing was written, and the way out (exit 2).</summary>
    private static InvalidDataException DamagedStore(string what, string directory, Exception? cause = null) => IsDiskFull(cause)
        ? new($"{what}. The disk under the data directory '{directory}' is full; nothing was written. Free space there and run again.", cause)
        : new($"{what}. The data directory '{directory}' cannot be resumed as it is; nothing was written. " +
            "To go back to the checkpoint before the last, run again with --resume-from previous; to start over, move it away or give another --data-dir.", cause);

    /// <summary>SQLite's SQLITE_FULL (13), or ENOSPC (28) from the file system: space, not damage.</summary>
    private static bool IsDiskFull(Exception? cause) => cause switch
    {
        Microsoft.Data.Sqlite.SqliteException { SqliteErrorCode: 13 } => true,
        IOException { HResult: 28 } => true,
        null => false,
        _ => IsDiskFull(cause.InnerException),
    };
}
