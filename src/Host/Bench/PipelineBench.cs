using System.Diagnostics;
using Akka;
using Akka.Actor;
using Akka.Streams;
using Akka.Streams.Dsl;
using RnnStream.Actors.Pipeline;
using RnnStream.Actors.Series;
using RnnStream.Feeds.Records;
using RnnStream.Feeds.Sinks;
using RnnStream.Feeds.Sources;
using RnnStream.Model.Specs;
using RnnStream.Model.Weights;

namespace RnnStream.Host.Bench;

/// <summary>
/// The end-to-end measurements of the live pipeline: synthetic OHLC ticks (D = 4) for many series
/// through parsing-free ingestion, the router, the series actors (one network step each) and back,
/// into a sink that discards them. No retraining, so the figures are the stream's own.
/// </summary>
internal sealed class PipelineBench(ActorSystem system, CellType cell, int units, RouterSettings router, TextWriter output)
{
    private static readonly SeriesSettings Series = new()
    {
        FeatureNames = SyntheticPrices.Features,
        TargetIndices = [3],
        WindowLength = 64,
        TrainEvery = 1 << 20,
    };

    private ModelWeights Weights => WeightInitializer.Initialize(new ModelSpec(4, [new LayerSpec(cell, units)], 1), 1);

    /// <summary>
    /// Ticks per second at full speed, measured over the last two thirds of the feed: the first
    /// third is warm-up, in which every series gets its state and the runtime recompiles the hot
    /// code with its profile (tiered compilation takes a couple of seconds to settle).
    /// </summary>
    /// <param name="durability">Checkpoints to take along the way (the end-to-end cost of durability); null for none.</param>
    public Task<double> ThroughputAsync(int series, int ticksPerSeries, Actors.Persistence.Durability? durability = null) =>
        MeasureThroughputAsync(Start(SyntheticPrices.Batches(series, ticksPerSeries, seed: 1), durability), series, ticksPerSeries, durability is null ? "" : " (durable)");

    /// <summary>
    /// The same feed read from a file, as `run` reads one: the ticks written out first as CSV lines
    /// (long format, one series column and the four features), then read, parsed and stepped through
    /// the pipeline at full speed. What parsing costs, and what it allocates per tick.
    /// </summary>
    public async Task<double> FileThroughputAsync(int series, int ticksPerSeries)
    {
        string path = Path.Combine(Path.GetTempPath(), $"rnnstream-bench-{Environment.ProcessId}.csv");
        try
        {
            using (var writer = new StreamWriter(path, false, new System.Text.UTF8Encoding(false), 1 << 16))
            {
                writer.WriteLine("timestamp,series," + string.Join(',', SyntheticPrices.Features));
                foreach (var tick in SyntheticPrices.Generate(series, ticksPerSeries, seed: 1))
                    writer.WriteLine(FormattableString.Invariant($"{tick.RawTimestamp},{tick.SeriesId},{tick.Values[0]:R},{tick.Values[1]:R},{tick.Values[2]:R},{tick.Values[3]:R}"));
            }
            var parser = new Feeds.Parsing.RecordParser(new Feeds.Parsing.FeedSchema { SeriesColumn = "series" });
            var run = Start(FileFeed.Records(path, skipFirst: 0, parser));
            return await MeasureThroughputAsync(run, series, ticksPerSeries, $" (file feed, {new FileInfo(path).Length / 1048576.0:N0} MB of CSV)");
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>
    /// The same feed sent over TCP, as a live feed's client sends it: the CSV lines made first, then
    /// written by one client as fast as the socket takes them, framed, parsed and stepped through
    /// the pipeline. The client's own work shares the two cores.
    /// </summary>
    public async Task<double> TcpThroughputAsync(int series, int ticksPerSeries)
    {
        const string header = "timestamp,series,open,high,low,close";
        byte[] text;
        using (var buffer = new MemoryStream())
        {
            using (var writer = new StreamWriter(buffer, new System.Text.UTF8Encoding(false), 1 << 16, leaveOpen: true))
                foreach (var tick in SyntheticPrices.Generate(series, ticksPerSeries, seed: 1))
                    writer.Write(FormattableString.Invariant($"{tick.RawTimestamp},{tick.SeriesId},{tick.Values[0]:R},{tick.Values[1]:R},{tick.Values[2]:R},{tick.Values[3]:R}\n"));
            text = buffer.ToArray();
        }
        // A socket feed's lines carry no header: the layout is the deployment's (feed.columns), given to the parser first.
        var parser = new Feeds.Parsing.RecordParser(new Feeds.Parsing.FeedSchema { SeriesColumn = "series" });
        parser.Parse(header, 0, new List<FeedRecord>());
        var listening = new TaskCompletionSource<System.Net.EndPoint>(TaskCreationOptions.RunContinuationsAsynchronously);
        var replies = TcpPredictionsBack ? new TcpReplies() : null;
        var lines = TcpLineFeed.Bind(system, new TcpFeedSettings("127.0.0.1", 0) { PredictionsBack = replies is not null }, replies: replies)
            .MapMaterializedValue(binding =>
            {
                binding.ContinueWith(bound =>
                {
                    if (bound.IsCompletedSuccessfully) listening.TrySetResult(bound.Result.LocalAddress);
                    else listening.TrySetException(bound.Exception?.GetBaseException() ?? new InvalidOperationException("the bench's socket was not bound"));
                }, TaskContinuationOptions.ExecuteSynchronously);
                return NotUsed.Instance;
            })
            .Via(Feeds.Parsing.ParsingFlow.Batched(parser));
        var run = Start(lines, tap: replies is null ? null : replies.Send);
        var address = (System.Net.IPEndPoint)await listening.Task;
        long total = (long)series * ticksPerSeries;
        using var stopReading = new CancellationTokenSource();
        var client = Task.Run(async () =>
        {
            using var socket = new System.Net.Sockets.TcpClient();
            await socket.ConnectAsync(address);
            var stream = socket.GetStream();
            var reading = replies is null ? Task.FromResult((Lines: 0L, Bytes: 0L)) : ReadLinesAsync(stream, total, stopReading.Token);
            for (int at = 0; at < text.Length; at += 1 << 16)
                await stream.WriteAsync(text.AsMemory(at, Math.Min(1 << 16, text.Length - at)));
            await stream.FlushAsync();
            return await reading;
        });
        (long Lines, long Bytes) back = default;
        string sent = $"{text.Length / 1048576.0:N0} MB of CSV lines";
        double rate = await MeasureThroughputAsync(run, series, ticksPerSeries, replies is null ? $" (tcp feed, one client, {sent})" : $" (tcp feed, one client, {sent}, its predictions back)", async () =>
        {
            // A listener never ends of itself: the run is drained once every tick sent is forecast (and, with predictions back, read back, or given up on after a while).
            while (run.Metrics.Predictions < total && !run.Completion.IsCompleted) await Task.Delay(5);
            stopReading.CancelAfter(TimeSpan.FromSeconds(30));
            back = await client;
            run.Drain();
            await run.Completion;
        });
        if (replies is not null) output.WriteLine($"predictions back: {back.Lines:N0} JSON lines of {total:N0} read by the client ({back.Bytes / 1048576.0:N0} MB)");
        return rate;
    }

    /// <summary>A client reading its predictions back: lines counted until all <paramref name="expected"/> came, the connection closed, or <paramref name="stop"/>.</summary>
    private static async Task<(long Lines, long Bytes)> ReadLinesAsync(System.Net.Sockets.NetworkStream stream, long expected, CancellationToken stop)
    {
        var buffer = new byte[1 << 16];
        long lines = 0, bytes = 0;
        try
        {
            int read;
            while (lines < expected && (read = await stream.ReadAsync(buffer, stop)) > 0)
            {
                bytes += read;
                lines += buffer.AsSpan(0, read).Count((byte)'\n');
            }
        }
        catch (OperationCanceledException)
        {
        }
        return (lines, bytes);
    }

    /// <param name="untilDone">What the measured part waits for; the run's completion when null.</param>
    private async Task<double> MeasureThroughputAsync(RunHandle run, int series, int ticksPerSeries, string label, Func<Task>? untilDone = null)
    {
        long warmup = (long)series * ticksPerSeries / 3;
        while (run.Metrics.Predictions < warmup && !run.Completion.IsCompleted) await Task.Delay(5);
        using var sampler = SampleAllocations ? new AllocationSampler() : null;
        long startCount = run.Metrics.Predictions;
        var clock = Stopwatch.StartNew();
        long gcBefore = GC.CollectionCount(0), gen2Before = GC.CollectionCount(2), allocatedBefore = GC.GetTotalAllocatedBytes();
        var cpuBefore = CpuTimes.Read();
        var compiledBefore = CompiledCode.SoFar();
        sampler?.Start();
        await (untilDone?.Invoke() ?? run.Completion);
        clock.Stop();
        var cpu = CpuTimes.Describe(cpuBefore, CpuTimes.Read());
        var compiled = CompiledCode.SoFar().Since(compiledBefore);
        var allocatedTypes = sampler?.Stop(top: 4) ?? [];
        long measured = run.Metrics.Predictions - startCount;
        double allocatedPerTick = (GC.GetTotalAllocatedBytes() - allocatedBefore) / (double)Math.Max(1, measured);
        double rate = measured / clock.Elapsed.TotalSeconds;
        output.WriteLine($"throughput{label}: {series:N0} series, {run.Metrics.Predictions:N0} ticks; after warm-up {measured:N0} ticks in {clock.Elapsed.TotalSeconds:F2} s = {rate:N0} ticks/s " +
                         $"(gen0 GCs {GC.CollectionCount(0) - gcBefore}, gen2 {GC.CollectionCount(2) - gen2Before}, {allocatedPerTick:N1} bytes allocated per tick{AllocationSampler.Describe(allocatedTypes)}); " +
                         $"latency at full speed p50 {run.Metrics.Latency.Percentile(0.5):N0} µs, p99 {run.Metrics.Latency.Percentile(0.99):N0} µs; " +
                         $"{compiled.Describe()}{cpu}");
        await QuiesceAsync(run);
        return rate;
    }

    /// <summary>
    /// The practical limit beside the pipeline: the same synthetic feed, made in the same pooled
    /// batches, each tick stepped and scored as a key group does it (series state found in a table,
    /// one network step into a pooled prediction, the series' scores), each batch of predictions
    /// formatted and written as the pipeline's output writes them (<see cref="OutputFormat"/>; none
    /// discards them, as the pipeline's sink then does), all on this one thread with no actor and no
    /// stream. Measured as the pipeline is, over the last two thirds of the feed.
    /// </summary>
    public double PlainLoop(int series, int ticksPerSeries)
    {
        var network = new Model.Inference.InferenceNetwork(Weights);
        var forecaster = new SeriesForecaster(Series);
        var metrics = new Actors.Metrics.RunMetrics();
        var states = new Dictionary<string, (SeriesState State, Actors.Metrics.SeriesScores Scores)>();
        var walk = new PriceWalk(series, ticksPerSeries, seed: 1);
        var tickPool = new RecordBatchPool(RecordBatches.DefaultSize);
        var predictionPool = new PredictionPool();
        var format = Format();
        using var writer = format is null ? null : Discarding();
        if (format?.Header is { } header) writer!.WriteLine(header);
        long total = (long)series * ticksPerSeries, warmup = total / 3, count = 0, measuredFrom = 0;
        var clock = new Stopwatch();
        long allocatedBefore = 0;
        int gcBefore = 0;
        var pausedBefore = TimeSpan.Zero;
        CpuTimes? cpuBefore = null;
        float checksum = 0;
        while (!walk.Ended)
        {
            if (count >= warmup && !clock.IsRunning)
            {
                measuredFrom = count;
                clock.Start();
                allocatedBefore = GC.GetTotalAllocatedBytes();
                gcBefore = GC.CollectionCount(0);
                pausedBefore = GC.GetTotalPauseDuration();
                cpuBefore = CpuTimes.Read();
            }
            var ticks = walk.NextBatch(tickPool, RecordBatches.DefaultSize);
            var predictions = predictionPool.Rent(ticks.Count);
            for (int i = 0; i < ticks.Count; i++)
            {
                var tick = (Tick)ticks[i];
                if (!states.TryGetValue(tick.SeriesId, out var entry))
                    states[tick.SeriesId] = entry = (forecaster.CreateState(tick.SeriesId, network), metrics.ScoresFor(tick.SeriesId));
                var prediction = forecaster.Process(entry.State, tick, network, null, predictionPool.At(predictions, i));
                entry.Scores.Record(prediction, metrics.ScoreFromOffset, metrics.IntervalZ, metrics.IntervalAlpha);
                if (!prediction.IsFailed) checksum += prediction.Predicted[0];
            }
            predictions.Seal(ticks.Count, failed: 0);
            format?.Write(predictions, writer!);
            count += ticks.Count;
            predictions.GiveBack();
            ticks.Passed();
        }
        writer?.Flush();
        clock.Stop();
        var cpu = CpuTimes.Describe(cpuBefore, CpuTimes.Read());
        long measured = total - measuredFrom;
        double rate = measured / clock.Elapsed.TotalSeconds;
        int collections = GC.CollectionCount(0) - gcBefore;
        output.WriteLine($"plain loop: {series:N0} series, one thread, no actors, no stream{(format is null ? "" : $", writing {OutputFormat}")}: after warm-up {measured:N0} ticks in {clock.Elapsed.TotalSeconds:F2} s = {rate:N0} ticks/s " +
                         $"(gen0 GCs {collections}, {PausedEach(collections, GC.GetTotalPauseDuration() - pausedBefore)}, {(GC.GetTotalAllocatedBytes() - allocatedBefore) / (double)measured:N1} bytes allocated per tick; checksum {checksum:G3}){cpu}");
        return rate;
    }

    /// <summary>
    /// Lets a finished run's series actors stop and collects what they held, so the next measurement
    /// does not pay for this one's garbage (ten thousand series states are a gen2 collection of tens
    /// of milliseconds, which once landed inside the latency run).
    /// </summary>
    private static async Task QuiesceAsync(RunHandle run)
    {
        await Task.WhenAll(run.Partitions.Select(partition => partition.WatchAsync()));
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }

    /// <summary>
    /// Tick-to-prediction latency with the feed offered at a fixed rate: a producer thread releases
    /// the ticks due by the clock about every millisecond (the finest sleep the OS gives), each
    /// stamped when released, into a bounded channel the stream reads: those due at once as one
    /// batch (256 at most), as a socket read hands over the lines that have arrived. The producer starts once the
    /// stream is running. Its first <paramref name="warmup"/> of ticks is not measured: every series
    /// gets its state and the code its final compilation, as the throughput run also leaves out. The
    /// warm-up goes on, a quarter second at a time, until a quarter second passes with nothing new
    /// compiled (at most <see cref="MostQuietChecks"/> more): the runtime tiers code up in the
    /// background, on one of the two cores, and after a one-second warm-up it was still recompiling
    /// the channel's read path in the measured part (20-100 ms of compiling), a cost a service pays
    /// once in its life, not per tick. What is still compiled while measured is reported (the thread
    /// pool's own tuning, mostly). The producer then pauses until those ticks are forecast
    /// and a full collection has moved the new states to the old generation (otherwise the first
    /// collections of the measured part copy tens of megabytes of them, pauses of 30 ms of the same
    /// kind).
    /// </summary>
    public async Task LatencyAsync(int series, double ticksPerSecond, TimeSpan duration, TimeSpan warmup)
    {
        long unmeasured = (long)(ticksPerSecond * warmup.TotalSeconds);
        long quietCheck = Math.Max(1, (long)(ticksPerSecond * QuietCheck.TotalSeconds));
        long measured = (long)(ticksPerSecond * duration.TotalSeconds);
        long warmedUp = 0;
        bool compilingStill = true;
        CompiledCode compiledWhileMeasured = default;
        using var settled = new ManualResetEventSlim();
        var channel = System.Threading.Channels.Channel.CreateBounded<RecordBatch>(new System.Threading.Channels.BoundedChannelOptions(1 << 12) { SingleReader = true, SingleWriter = true });
        var producer = new Thread(() =>
        {
            var walk = new PriceWalk(series, -1, seed: 2);
            var pool = new RecordBatchPool(RecordBatches.DefaultSize);
            long released = Release(walk, pool, unmeasured, stamp: false);
            for (int check = 0; check < MostQuietChecks; check++)
            {
                long compiled = CompiledCode.SoFar().Methods;
                released += Release(walk, pool, quietCheck, stamp: false);
                if (CompiledCode.SoFar().Methods != compiled) continue;
                compilingStill = false;
                break;
            }
            Volatile.Write(ref warmedUp, released);
            settled.Wait();
            var compiledBefore = CompiledCode.SoFar();
            Release(walk, pool, measured, stamp: true);
            compiledWhileMeasured = CompiledCode.SoFar().Since(compiledBefore);
            channel.Writer.Complete();
        }) { IsBackground = true, Name = "paced-feed" };

        long Release(PriceWalk walk, RecordBatchPool pool, long count, bool stamp)
        {
            var clock = Stopwatch.StartNew();
            long released = 0;
            while (released < count)
            {
                long due = Math.Min(count, (long)(clock.Elapsed.TotalSeconds * ticksPerSecond));
                while (released < due)
                {
                    // The ticks due, at most a batch at a time, each stamped as it is made, here, so its latency includes its
                    // wait for the rest of its batch (docs/RESULTS.md, the live pipeline: the burst's pace and the p99).
                    var batch = walk.NextBatch(pool, (int)Math.Min(RecordBatches.DefaultSize, due - released), stamp);
                    if (!channel.Writer.TryWrite(batch)) break;
                    released += batch.Count;
                }
                Thread.Sleep(1);
            }
            return released;
        }

        var run = Start(ChannelSource.FromReader(channel.Reader));
        producer.Start();
        while ((Volatile.Read(ref warmedUp) == 0 || run.Metrics.Predictions < Volatile.Read(ref warmedUp)) && !run.Completion.IsCompleted) await Task.Delay(5);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var pausedBefore = GC.GetTotalPauseDuration();
        int collectionsBefore = GC.CollectionCount(0);
        var cpuBefore = CpuTimes.Read();
        settled.Set();
        await run.Completion;
        var cpu = CpuTimes.Describe(cpuBefore, CpuTimes.Read());
        var paused = GC.GetTotalPauseDuration() - pausedBefore;
        int collections = GC.CollectionCount(0) - collectionsBefore;
        var latency = run.Metrics.Latency;
        output.WriteLine($"latency: {series:N0} series at {ticksPerSecond:N0} ticks/s offered, {latency.Count:N0} ticks measured after {warmedUp / ticksPerSecond:F2} s of warm-up (the last {QuietCheck.TotalSeconds:G} s with {(compilingStill ? "methods still compiled: cut off" : "nothing compiled")}): " +
                         $"p50 {latency.Percentile(0.5):N0} µs, p90 {latency.Percentile(0.9):N0} µs, p99 {latency.Percentile(0.99):N0} µs, p99.9 {latency.Percentile(0.999):N0} µs, max {latency.MaxMicroseconds:N0} µs; " +
                         $"{collections} GCs pausing {paused.TotalMilliseconds:F0} ms in all ({PausedEach(collections, paused)}); {compiledWhileMeasured.Describe()}{cpu}");
        await QuiesceAsync(run);
    }

    /// <summary>How long the latency run's warm-up goes on with nothing compiled before it counts as settled.</summary>
    private static readonly TimeSpan QuietCheck = TimeSpan.FromSeconds(0.25);

    /// <summary>The most quarter seconds the latency run's warm-up goes on past its length while code is still compiled.</summary>
    private const int MostQuietChecks = 40;

    /// <summary>
    /// The mean pause of the collections in a measured part, and what the last young one kept and how
    /// long it paused: a pause that does not shrink with what survives is the collection's fixed cost,
    /// which only fewer collections reduce. The last is named only when one came in the measured part
    /// (else it would be older).
    /// </summary>
    private static string PausedEach(int collections, TimeSpan paused)
    {
        string each = $"{paused.TotalMilliseconds / Math.Max(1, collections):F1} ms each";
        var last = GC.GetGCMemoryInfo(GCKind.Ephemeral);
        return collections == 0 || last.Index == 0 ? each : $"{each}; the last promoted {last.PromotedBytes / 1024.0:N0} KB in {last.PauseDurations[0].TotalMicroseconds:N0} µs";
    }

    /// <summary>
    /// Recovery of a durable run: read the last checkpoint back (journal and snapshots), then give
    /// every series one tick, which brings it back from its snapshot bytes on first touch.
    /// </summary>
    public async Task RecoveryAsync(int series, Actors.Persistence.Durability durability, TimeSpan readBack)
    {
        long from = durability.Cut!.NextOffset + 1;
        var ticks = SyntheticPrices.Create(series, 1, seed: 4).Select(t => (FeedRecord)new Tick(t.SeriesId, t.Timestamp, t.RawTimestamp, t.Values, from + t.Offset, t.Format));
        var clock = Stopwatch.StartNew();
        var run = Start(ticks, durability);
        await run.Completion;
        output.WriteLine($"recovery: {series:N0} series from checkpoint {durability.Last!.Number}: read back in {readBack.TotalMilliseconds:N0} ms, " +
                         $"then one tick for every series (each restored on its first touch) in {clock.Elapsed.TotalMilliseconds:N0} ms; {run.Metrics.Predictions - durability.Last.PredictionsWritten:N0} new forecasts");
        await QuiesceAsync(run);
    }

    /// <summary>
    /// Heap per live series: every series gets its actor and full state (a 64-tick window), then the
    /// heap is measured against a baseline, and the process's resident set. Then every series goes
    /// idle and is passivated (its state kept compact in its key group): heap per passivated series.
    /// </summary>
    public async Task MemoryAsync(int series)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        long before = GC.GetTotalMemory(forceFullCollection: true);
        var ticks = SyntheticPrices.Create(series, 2, seed: 3).Select(t => (FeedRecord)t).Concat(Source.Never<FeedRecord>());
        var idle = TimeSpan.FromSeconds(2);
        var run = Start(ticks, passivateAfter: idle);
        while (run.Metrics.Predictions < 2L * series) await Task.Delay(20);
        long after = GC.GetTotalMemory(forceFullCollection: true);
        long resident = Process.GetCurrentProcess().WorkingSet64;
        double perSeries = (after - before) / (double)series;
        output.WriteLine($"memory: {series:N0} live series, heap {before / 1048576.0:F0} MB -> {after / 1048576.0:F0} MB = {perSeries:N0} bytes per series " +
                         $"(hidden state, normalizer, 64-tick window, owed forecasts, table and metrics entries; the series share {router.Partitions} partition actors); " +
                         $"resident set {resident / 1048576.0:N0} MB; {HeapCommitted()}");
        // Idle past the timeout, every series is passivated at a key group's next scan.
        var deadline = DateTime.UtcNow + idle + TimeSpan.FromMinutes(2);
        while (await Passivated(run) < series && DateTime.UtcNow < deadline) await Task.Delay(500);
        long passivated = GC.GetTotalMemory(forceFullCollection: true);
        output.WriteLine($"memory: {await Passivated(run):N0} passivated series, heap {passivated / 1048576.0:F0} MB = {(passivated - before) / (double)series:N0} bytes per series; " +
                         $"resident set {Process.GetCurrentProcess().WorkingSet64 / 1048576.0:N0} MB; {HeapCommitted()}");
        run.Drain();
        await run.Completion;
    }

    /// <summary>What the collector holds from the system beside the live objects: where a resident set above the heap goes.</summary>
    private static string HeapCommitted()
    {
        var info = GC.GetGCMemoryInfo(GCKind.Any);
        return $"GC committed {info.TotalCommittedBytes / 1048576.0:N0} MB, fragmented {info.FragmentedBytes / 1048576.0:N0} MB";
    }

    private static async Task<long> Passivated(RunHandle run)
    {
        var counts = await Task.WhenAll(run.Partitions.Select(p => p.Ask<Actors.Series.SeriesPartition.SeriesCounts>(Actors.Series.SeriesPartition.CountSeries.Instance, TimeSpan.FromSeconds(30))));
        return counts.Sum(c => (long)c.Passivated);
    }

    /// <summary>Whether the throughput run also says which types its allocated bytes go to (off by default: the sampling's own events allocate too).</summary>
    public bool SampleAllocations { get; init; }

    /// <summary>What the runs write their predictions as (csv, jsonl), into a stream that discards them; none: nothing is written.</summary>
    public string OutputFormat { get; init; } = "none";

    private Sink<PredictionBatch, Task> Output() => Format() is { } format
        ? TextFileSink.Create(Discarding, format.Write, format.Header, countOf: batch => batch.Count, written: batch => batch.GiveBack())
        : Running.OutputFactory.Nowhere;

    /// <summary>How <see cref="OutputFormat"/> writes a batch of predictions, and the header it starts with; null for none.</summary>
    private (Action<PredictionBatch, TextWriter> Write, string? Header)? Format() => OutputFormat switch
    {
        "csv" => (PredictionFormats.Each(PredictionFormats.WriteCsv), PredictionFormats.CsvHeader),
        "jsonl" => (PredictionFormats.Each(PredictionFormats.WriteJson), null),
        _ => null,
    };

    /// <summary>A writer as a file's (UTF-8, buffered) over a stream that keeps nothing.</summary>
    private static TextWriter Discarding() => new StreamWriter(Stream.Null, new System.Text.UTF8Encoding(false), 1 << 16);

    /// <summary>Whether the socket feed's client gets its predictions back on its connection and reads them (feed.tcp.predictions-back).</summary>
    public bool TcpPredictionsBack { get; init; }

    /// <summary>The live service's view, when the bench measures what serving it costs: every run taps its predictions and is shown there.</summary>
    public Http.ServiceState? Service { get; init; }

    private RunHandle Start(Source<FeedRecord, NotUsed> ticks, Actors.Persistence.Durability? durability = null, TimeSpan? passivateAfter = null) =>
        Start(ticks.Via(RecordBatches.Gather()), durability, passivateAfter);

    /// <param name="tap">Sees each batch of predictions on its way to the output (with the live service's, if any); null for none.</param>
    private RunHandle Start(Source<RecordBatch, NotUsed> ticks, Actors.Persistence.Durability? durability = null, TimeSpan? passivateAfter = null, Action<PredictionBatch>? tap = null)
    {
        if (Service is { } service) tap += Running.OutputFactory.EachOf(service.Events.Tap);
        var run = LivePipeline.Run(system, ticks, Weights, new PipelineSettings
            {
                Series = Series,
                Router = passivateAfter is null ? router : router with { IdleTimeout = passivateAfter, PassivationScan = TimeSpan.FromMilliseconds(500) },
            },
            Running.OutputFactory.WithTap(Output(), tap),
            Sink.Ignore<Rejected>().MapMaterializedValue(t => (Task)t), durability: durability);
        Service?.Started(run, "bench");
        return run;
    }
}
