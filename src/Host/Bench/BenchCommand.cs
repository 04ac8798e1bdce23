using System.CommandLine;
using Akka.Actor;
using Akka.Configuration;
using RnnStream.Actors.Pipeline;
using RnnStream.Model.Specs;

namespace RnnStream.Host.Bench;

/// <summary>`rnnstream bench`: end-to-end throughput, latency at half the measured maximum, and memory per series.</summary>
internal static class BenchCommand
{
    public static Command Create(TextWriter output)
    {
        var series = new Option<int>("--series") { Description = "Series for the throughput and latency runs.", DefaultValueFactory = _ => 10_000 };
        var ticks = new Option<int>("--ticks-per-series") { Description = "Ticks per series in the throughput run (the first third is warm-up).", DefaultValueFactory = _ => 900 };
        var memorySeries = new Option<int>("--memory-series") { Description = "Series for the memory run (0 skips it).", DefaultValueFactory = _ => 100_000 };
        var cell = new Option<CellType>("--cell") { Description = "Cell of the one-layer network.", DefaultValueFactory = _ => CellType.SimpleRnn };
        var units = new Option<int>("--units") { Description = "Hidden units H.", DefaultValueFactory = _ => 32 };
        var maxInFlight = new Option<int>("--max-in-flight") { Description = "Router bound on ticks in flight.", DefaultValueFactory = _ => new RouterSettings().MaxInFlight };
        var partitions = new Option<int>("--partitions") { Description = "Key groups (partition actors) the series are spread over.", DefaultValueFactory = _ => new RouterSettings().Partitions };
        var seconds = new Option<double>("--latency-seconds") { Description = "Length of the paced latency run.", DefaultValueFactory = _ => 10 };
        var latencyRate = new Option<double>("--latency-rate") { Description = "Ticks per second offered in the latency run (0: half the measured throughput)." };
        var dataDir = new Option<string?>("--data-dir") { Description = "Also measure throughput with durable state (checkpoints to SQLite) in this directory, emptied first." };
        var checkpointEvery = new Option<long>("--checkpoint-every") { Description = "Ticks between checkpoints in the durable run (0: by the clock only).", DefaultValueFactory = _ => 0 };
        var postgres = new Option<string?>("--postgres") { Description = "With --data-dir: checkpoint to this PostgreSQL database (a connection string; its tables are emptied first) instead of SQLite." };
        var checkpointInterval = new Option<double>("--checkpoint-seconds") { Description = "Seconds between checkpoints in the durable run (0: by count only).", DefaultValueFactory = _ => 10 };
        var http = new Option<bool>("--http") { Description = "Serve the live service during the runs, as `run` does (its tap on every prediction), with a client reading /metrics, one series and its events every second: what serving costs." };
        var allocations = new Option<bool>("--allocations") { Description = "Also say which types the throughput run's allocated bytes go to (the runtime's allocation sampling; its events add about 2 bytes a tick of their own)." };
        var fileTicks = new Option<int>("--file-ticks-per-series") { Description = "Also measure throughput with the feed read from a CSV file of this many ticks per series (written to the temp folder first, about 60 bytes a tick; 0 skips it).", DefaultValueFactory = _ => 0 };
        var tcpTicks = new Option<int>("--tcp-ticks-per-series") { Description = "Also measure throughput with the feed sent over a local TCP socket by one client, this many ticks per series (the lines made in memory first, about 60 bytes a tick; 0 skips it).", DefaultValueFactory = _ => 0 };
        var tcpBack = new Option<bool>("--tcp-predictions-back") { Description = "With --tcp-ticks-per-series: the client gets its predictions back on its connection and reads them, as with feed.tcp.predictions-back." };
        var outputFormat = new Option<string>("--output") { Description = "Write every run's predictions with the product's writer (csv or jsonl) into a stream that discards them: the formatting and encoding, not the disk. none: no output, as by default.", DefaultValueFactory = _ => "none" };
        outputFormat.AcceptOnlyFromAmong("none", "csv", "jsonl");
        var command = new Command("bench", "End-to-end benchmark: synthetic OHLC feed (D=4) at full speed through the series actors; then latency at half that rate; then memory per series.")
        {
            series, ticks, memorySeries, cell, units, maxInFlight, partitions, seconds, latencyRate, dataDir, checkpointEvery, checkpointInterval, postgres, http, allocations, fileTicks, tcpTicks, tcpBack, outputFormat,
        };
        command.SetAction(async (result, _) =>
        {
            var config = ConfigurationFactory.ParseString("akka.loglevel = WARNING").WithFallback(PipelineConfig.Config);
            string? directory = result.GetValue(dataDir) is { } given ? Path.GetFullPath(given) : null;
            if (directory is not null)
            {
                if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
                if (result.GetValue(postgres) is { } connection) await EmptyPostgres(connection);
                config = config.WithFallback(result.GetValue(postgres) is { } database
                    ? Actors.Persistence.PersistenceConfig.For(directory, "postgresql", database)
                    : Actors.Persistence.PersistenceConfig.For(directory));
            }
            using var system = ActorSystem.Create("rnnstream-bench", config);
            var state = result.GetValue(http) ? new Http.ServiceState() : null;
            await using var service = state is null ? null
                : await Http.LiveService.StartAsync(new Configuration.Deployment(Configuration.DeploymentConfig.Load(null, ["http.port=0"])), state);
            using var reading = new CancellationTokenSource();
            var reader = service is null ? Task.CompletedTask : ReadServiceAsync(service.Address, reading.Token);
            if (service is not null) output.WriteLine($"live service: {service.Address} (read every second while the bench runs)");
            var bench = new PipelineBench(system, result.GetValue(cell), result.GetValue(units), new RouterSettings { MaxInFlight = result.GetValue(maxInFlight), Partitions = result.GetValue(partitions) }, output)
            {
                Service = state,
                SampleAllocations = result.GetValue(allocations),
                OutputFormat = result.GetValue(outputFormat)!,
                TcpPredictionsBack = result.GetValue(tcpBack),
            };
            output.WriteLine($"bench: {result.GetValue(cell)} H={result.GetValue(units)}, D=4, K=1, {Environment.ProcessorCount} cores, server GC {System.Runtime.GCSettings.IsServerGC}");
            double rate = await bench.ThroughputAsync(result.GetValue(series), result.GetValue(ticks));
            double loop = bench.PlainLoop(result.GetValue(series), result.GetValue(ticks));
            output.WriteLine($"pipeline / plain loop: {rate / loop:F2} ({rate:N0} on {Environment.ProcessorCount} cores against {loop:N0} on one thread)");
            if (result.GetValue(fileTicks) > 0) await bench.FileThroughputAsync(result.GetValue(series), result.GetValue(fileTicks));
            if (result.GetValue(tcpTicks) > 0) await bench.TcpThroughputAsync(result.GetValue(series), result.GetValue(tcpTicks));
            if (directory is not null)
            {
                double every = result.GetValue(checkpointInterval);
                var durability = await Actors.Persistence.Durability.OpenAsync(system, result.GetValue(checkpointEvery), TimeSpan.FromMinutes(1),
                    every > 0 ? TimeSpan.FromSeconds(every) : null);
                double durableRate = await bench.ThroughputAsync(result.GetValue(series), result.GetValue(ticks), durability);
                output.WriteLine($"durable: {durableRate:N0} ticks/s with checkpoints every {(result.GetValue(checkpointEvery) > 0 ? $"{result.GetValue(checkpointEvery):N0} ticks" : "")}{(every > 0 ? $" {every:G} s" : "")} = {durableRate / rate:P0} of {rate:N0} without " +
                                 $"({durability.Stats.CommittedCount} committed, {durability.Stats.FailedCount} failed; cut to commit {durability.Stats.MeanCommitTime.TotalMilliseconds:N0} ms mean, " +
                                 $"{durability.Stats.MaxCommitTime.TotalMilliseconds:N0} ms max; snapshots " +
                                 $"{(result.GetValue(postgres) is { } db ? await PostgresSnapshotMegabytes(db) : SizeOf(Path.Combine(directory, "snapshots.db")))} MB on disk after cleanup)");

                // A second node-like process would do this: a fresh actor system on the same data directory.
                using var recovering = ActorSystem.Create("rnnstream-recovery", config);
                var clock = System.Diagnostics.Stopwatch.StartNew();
                var resumed = await Actors.Persistence.Durability.OpenAsync(recovering, result.GetValue(checkpointEvery), TimeSpan.FromMinutes(1),
                    every > 0 ? TimeSpan.FromSeconds(every) : null);
                var readBack = clock.Elapsed;
                await new PipelineBench(recovering, result.GetValue(cell), result.GetValue(units), new RouterSettings { MaxInFlight = result.GetValue(maxInFlight), Partitions = result.GetValue(partitions) }, output)
                    .RecoveryAsync(result.GetValue(series), resumed, readBack);
                await recovering.Terminate();
            }
            await bench.LatencyAsync(result.GetValue(series), result.GetValue(latencyRate) is > 0 and var offered ? offered : rate / 2, TimeSpan.FromSeconds(result.GetValue(seconds)), TimeSpan.FromSeconds(1));
            if (result.GetValue(memorySeries) > 0) await bench.MemoryAsync(result.GetValue(memorySeries));
            await reading.CancelAsync();
            await reader;
            await system.Terminate();
            return 0;
        });
        return command;
    }

    /// <summary>A measurement starts from an empty store: the plugin's tables go (it makes them again).</summary>
    private static async Task EmptyPostgres(string connectionString)
    {
        await using var connection = new Npgsql.NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand("DROP TABLE IF EXISTS journal, tags, snapshot, journal_metadata CASCADE", connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<string> PostgresSnapshotMegabytes(string connectionString)
    {
        await using var connection = new Npgsql.NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand("SELECT pg_total_relation_size('snapshot')", connection);
        return (Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture) / 1048576.0).ToString("F0", System.Globalization.CultureInfo.InvariantCulture);
    }

    private static string SizeOf(string file) => File.Exists(file) ? (new FileInfo(file).Length / 1048576.0).ToString("F0", System.Globalization.CultureInfo.InvariantCulture) : "?";

    /// <summary>A client of the live service as an operator's page would be: /metrics, one series and its event stream, every second.</summary>
    private static async Task ReadServiceAsync(Uri address, CancellationToken stop)
    {
        using var client = new HttpClient { BaseAddress = address, Timeout = Timeout.InfiniteTimeSpan };
        Task? events = null;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await client.GetStringAsync("/metrics", stop);
                await client.GetAsync("/series/T0001", stop);
                events ??= FollowAsync(client, "/series/T0001/events", stop);
                await Task.Delay(1000, stop);
            }
            catch (Exception) when (stop.IsCancellationRequested)
            {
                break;
            }
            catch (HttpRequestException)
            {
                // Between runs there is no run to describe a series of: ask again in a second.
            }
        }
        if (events is not null) await events.ContinueWith(_ => { }, TaskScheduler.Default);
    }

    private static async Task FollowAsync(HttpClient client, string path, CancellationToken stop)
    {
        using var response = await client.GetAsync(path, HttpCompletionOption.ResponseHeadersRead, stop);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(stop));
        while (!stop.IsCancellationRequested && await reader.ReadLineAsync(stop) is not null) { }
    }
}
