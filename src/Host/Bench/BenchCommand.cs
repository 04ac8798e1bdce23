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
        var ticks = new Option<int>("--ticks-per-series") { Description = "Ticks per series in the throughput run.", DefaultValueFactory = _ => 200 };
        var memorySeries = new Option<int>("--memory-series") { Description = "Series for the memory run (0 skips it).", DefaultValueFactory = _ => 100_000 };
        var cell = new Option<CellType>("--cell") { Description = "Cell of the one-layer network.", DefaultValueFactory = _ => CellType.SimpleRnn };
        var units = new Option<int>("--units") { Description = "Hidden units H.", DefaultValueFactory = _ => 32 };
        var maxInFlight = new Option<int>("--max-in-flight") { Description = "Router bound on ticks in flight.", DefaultValueFactory = _ => new RouterSettings().MaxInFlight };
        var seconds = new Option<double>("--latency-seconds") { Description = "Length of the paced latency run.", DefaultValueFactory = _ => 10 };
        var command = new Command("bench", "End-to-end benchmark: synthetic OHLC feed (D=4) at full speed through the series actors; then latency at half that rate; then memory per series.")
        {
            series, ticks, memorySeries, cell, units, maxInFlight, seconds,
        };
        command.SetAction(async (result, _) =>
        {
            var config = ConfigurationFactory.ParseString("akka.loglevel = WARNING").WithFallback(PipelineConfig.Config);
            using var system = ActorSystem.Create("rnnstream-bench", config);
            var bench = new PipelineBench(system, result.GetValue(cell), result.GetValue(units), result.GetValue(maxInFlight), output);
            output.WriteLine($"bench: {result.GetValue(cell)} H={result.GetValue(units)}, D=4, K=1, {Environment.ProcessorCount} cores, server GC {System.Runtime.GCSettings.IsServerGC}");
            double rate = await bench.ThroughputAsync(result.GetValue(series), result.GetValue(ticks));
            await bench.LatencyAsync(result.GetValue(series), rate / 2, TimeSpan.FromSeconds(result.GetValue(seconds)));
            if (result.GetValue(memorySeries) > 0) await bench.MemoryAsync(result.GetValue(memorySeries));
            await system.Terminate();
            return 0;
        });
        return command;
    }
}
