using System.CommandLine;
using RnnStream.Host.Bench;
using RnnStream.Host.Configuration;
using RnnStream.Host.Plots;
using RnnStream.Host.Running;
using RnnStream.Model.Specs;
using Spectre.Console;

namespace RnnStream.Host;

/// <summary>The `rnnstream` command and its subcommands.</summary>
internal static class CommandLine
{
    /// <param name="output">Where results are printed (the console in the program, a buffer in tests).</param>
    public static RootCommand Build(TextWriter? output = null)
    {
        output ??= Console.Out;
        var root = new RootCommand("RnnStream: live recurrent-network forecasts for many time series at once.");
        root.Subcommands.Add(RunCommandLine(output));
        root.Subcommands.Add(EvalCommandLine(output));
        root.Subcommands.Add(SummaryCommand(output));
        root.Subcommands.Add(BenchCommand.Create(output));
        root.Subcommands.Add(NodeCommandLine(output));
        return root;
    }

    private static Option<string?> ConfigOption() => new("--config", "-c") { Description = "Deployment file (HOCON); keys not in it take their defaults from config/reference.conf." };

    private static Option<string[]> SetOption() => new("--set") { Description = "Override a config key: --set feed.path=data.csv (the 'rnnstream.' prefix is optional). Repeatable.", AllowMultipleArgumentsPerToken = false, DefaultValueFactory = _ => [] };

    private static Command RunCommandLine(TextWriter output)
    {
        var config = ConfigOption();
        var set = SetOption();
        var input = new Option<string?>("--input", "-i") { Description = "Shorthand for --set feed.type=file --set feed.path=PATH." };
        var outputPath = new Option<string?>("--output", "-o") { Description = "Shorthand for --set output.predictions=PATH (format from the extension: .csv or .jsonl)." };
        var dataDir = new Option<string?>("--data-dir") { Description = "Shorthand for --set persistence.data-dir=DIR: keep durable state there, and resume from it if it holds some." };
        var resumeFrom = new Option<string?>("--resume-from") { Description = "Shorthand for --set persistence.resume-from=last|previous: 'previous' goes back to the checkpoint before the last (when the last is damaged)." };
        var command = new Command("run", "Run a deployment: replay or stream its feed through the series actors, print progress and a per-series table.") { config, set, input, outputPath, dataDir, resumeFrom };
        command.SetAction(async (result, cancellation) =>
        {
            var overrides = Overrides(result, set, input, outputPath);
            if (result.GetValue(dataDir) is { } directory) overrides.Add($"persistence.data-dir={Path.GetFullPath(directory)}");
            if (result.GetValue(resumeFrom) is { } from) overrides.Add($"persistence.resume-from={from}");
            return await Guarded(output, async () =>
            {
                var deployment = new Deployment(DeploymentConfig.Load(result.GetValue(config), overrides));
                var console = Consoles.For(output);
                return await RunCommand.ExecuteAsync(deployment, console, Consoles.Progress(output), cancellation);
            });
        });
        return command;
    }

    /// <summary>The --set assignments, with --input and --output turned into the keys they stand for.</summary>
    private static List<string> Overrides(ParseResult result, Option<string[]> set, Option<string?>? input, Option<string?> outputPath)
    {
        var overrides = new List<string>(result.GetValue(set) ?? []);
        if (input is not null && result.GetValue(input) is { } path) overrides.AddRange(["feed.type=file", $"feed.path={Path.GetFullPath(path)}"]);
        if (result.GetValue(outputPath) is { } target)
        {
            string full = Path.GetFullPath(target);
            overrides.Add($"output.predictions={full}");
            overrides.Add($"output.format={(target.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase) ? "jsonl" : "csv")}");
            // The rejects go beside the predictions (as the metrics and weights do), unless a --set says where.
            if (!overrides.Any(o => DeploymentConfig.KeyOf(o) == "rnnstream.output.quarantine"))
                overrides.Add($"output.quarantine={Path.Combine(Path.GetDirectoryName(full)!, Path.GetFileNameWithoutExtension(full) + ".quarantine.jsonl")}");
        }
        return overrides;
    }

    private static Command EvalCommandLine(TextWriter output)
    {
        var config = ConfigOption();
        var set = SetOption();
        var compare = new Option<string[]>("--compare")
        {
            Description = "Another system's prediction file to score beside ours: NAME=PATH (cui2016 format: truth in 'data', forecast in 'prediction-5step'). Repeatable.",
            DefaultValueFactory = _ => [],
        };
        var report = new Option<string?>("--report") { Description = "Also write the side-by-side scores to this CSV file; the plots go beside it." };
        var plots = new Option<string?>("--plots") { Description = "Directory for the PNG plots (default: the --report file's directory; without either, no plots)." };
        var plotSeries = new Option<string?>("--plot-series") { Description = "Series to plot (default: the first one scored)." };
        var plotRows = new Option<string?>("--plot-rows") { Description = "Feed rows (of the target) for actual against predicted: FROM-TO, FROM- or -TO (default: the last 672 scored)." };
        var rolling = new Option<int>("--rolling-window") { Description = "Rows in the rolling error's window.", DefaultValueFactory = _ => 336 };
        var http = new Option<bool>("--http") { Description = "Serve the live service (/metrics, /health, /series/ID, the page at /) while the replay runs, on http.port (any free port if it is off)." };
        var outputPath = new Option<string?>("--output", "-o") { Description = "Shorthand for --set output.predictions=PATH: where the replay's predictions go (its metrics, weights and rejects beside them)." };
        var command = new Command("eval", "Replay a file through the live pipeline and score it (MAE, RMSE, NRMSE, MAPE, MASE, coverage), beside other systems' prediction files; plot actual against predicted and the rolling error.")
        {
            config, set, compare, report, plots, plotSeries, plotRows, rolling, http, outputPath,
        };
        command.SetAction(async (result, cancellation) => await Guarded(output, async () =>
        {
            var others = (result.GetValue(compare) ?? []).Select(item =>
            {
                int equals = item.IndexOf('=');
                return equals > 0 ? (item[..equals], Path.GetFullPath(item[(equals + 1)..])) : (Path.GetFileNameWithoutExtension(item), Path.GetFullPath(item));
            }).ToList();
            var deployment = new Deployment(DeploymentConfig.Load(result.GetValue(config), Overrides(result, set, null, outputPath)));
            string? reportPath = result.GetValue(report) is { } path ? Path.GetFullPath(path) : null;
            string? plotDirectory = result.GetValue(plots) is { } directory ? Path.GetFullPath(directory) : reportPath is null ? null : Path.GetDirectoryName(reportPath);
            var (fromRow, toRow) = RowRange(result.GetValue(plotRows));
            var plotOptions = plotDirectory is null ? null
                : new EvalPlotOptions(plotDirectory, result.GetValue(plotSeries), fromRow, toRow, result.GetValue(rolling) is > 0 and var window ? window
                    : throw new ArgumentException("--rolling-window must be at least 1"));
            return await EvalCommand.ExecuteAsync(deployment, others, reportPath, plotOptions, Consoles.For(output), Consoles.Progress(output), cancellation, result.GetValue(http));
        }));
        return command;
    }

    /// <summary>"FROM-TO", "FROM-" or "-TO" in feed rows; null for the default range.</summary>
    internal static (long? From, long? To) RowRange(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return (null, null);
        int dash = text.IndexOf('-');
        if (dash < 0) throw new ArgumentException($"--plot-rows expects FROM-TO, FROM- or -TO, got '{text}'");
        static long? Row(string part) => part.Trim() is { Length: > 0 } digits
            ? long.TryParse(digits, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long row) ? row
                : throw new ArgumentException($"--plot-rows: '{digits}' is not a row number")
            : null;
        var (from, to) = (Row(text[..dash]), Row(text[(dash + 1)..]));
        if (from > to) throw new ArgumentException($"--plot-rows: {from} comes after {to}");
        return (from, to);
    }

    private static Command NodeCommandLine(TextWriter output)
    {
        var config = ConfigOption();
        var set = SetOption();
        var input = new Option<string?>("--input", "-i") { Description = "Shorthand for --set feed.type=file --set feed.path=PATH." };
        var outputPath = new Option<string?>("--output", "-o") { Description = "Shorthand for --set output.predictions=PATH (written by the node that coordinates the run)." };
        var host = new Option<string>("--host") { Description = "Address this node listens on and is reached at.", DefaultValueFactory = _ => "127.0.0.1" };
        var port = new Option<int>("--port") { Description = "Port this node listens on.", Required = true };
        var seeds = new Option<string[]>("--seed") { Description = "A seed node, HOST:PORT (repeatable); the first seed starts the cluster, so give it its own address.", DefaultValueFactory = _ => [], AllowMultipleArgumentsPerToken = false };
        var minNodes = new Option<int>("--min-nodes") { Description = "Members the cluster waits for before the run starts.", DefaultValueFactory = _ => 1 };
        var dataDir = new Option<string?>("--data-dir") { Description = "Shorthand for --set persistence.data-dir=DIR: checkpoint into the cluster's shared store (persistence.provider = postgresql), roll back to the last one when a node is lost, resume from it on restart." };
        var command = new Command("node", "Run one node of an RnnStream cluster: key groups sharded over the nodes, the feed run by the oldest node; a replay ends the whole cluster when its feed ends.")
        {
            config, set, input, outputPath, host, port, seeds, minNodes, dataDir,
        };
        command.SetAction(async (result, _) =>
        {
            var overrides = Overrides(result, set, input, outputPath);
            if (result.GetValue(dataDir) is { } directory) overrides.Add($"persistence.data-dir={Path.GetFullPath(directory)}");
            string self = $"{result.GetValue(host)}:{result.GetValue(port)}";
            string[] seedList = result.GetValue(seeds) is { Length: > 0 } given ? given : [self];
            return await Guarded(output, () => Cluster.NodeCommand.ExecuteAsync(new Deployment(DeploymentConfig.Load(result.GetValue(config), overrides)),
                result.GetValue(host)!, result.GetValue(port), seedList, Math.Max(1, result.GetValue(minNodes)), Consoles.Progress(output)));
        });
        return command;
    }

    private static Command SummaryCommand(TextWriter output)
    {
        var config = ConfigOption();
        var set = SetOption();
        var cell = new Option<CellType?>("--cell") { Description = "Without --config: recurrent cell SimpleRnn, Lstm or Gru." };
        var units = new Option<int[]>("--units") { Description = "Without --config: units per layer, bottom first.", AllowMultipleArgumentsPerToken = true };
        var inputs = new Option<int>("--inputs") { Description = "Without --config: input features D.", DefaultValueFactory = _ => 4 };
        var outputs = new Option<int>("--outputs") { Description = "Without --config: predicted values K.", DefaultValueFactory = _ => 1 };
        var command = new Command("summary", "Print the model's layers, output shapes and parameter counts (Keras-style).") { config, set, cell, units, inputs, outputs };
        command.SetAction(result => Guarded(output, () =>
        {
            ModelSpec spec;
            if (result.GetValue(config) is { } file || result.GetValue(cell) is null)
            {
                var deployment = new Deployment(DeploymentConfig.Load(result.GetValue(config), result.GetValue(set) ?? []));
                var layout = FeedLayout.Of(deployment);
                if (!layout.IsKnown) throw new ArgumentException("cannot tell the feed's features: give feed.features, feed.columns or an existing feed.path");
                spec = deployment.Spec(layout.Features.Count, layout.Targets.Count);
                // The inputs counted below depend on what the auto keys became.
                if (deployment.InputsSaid is { Length: > 0 } inputsSaid) output.WriteLine(inputsSaid);
            }
            else
            {
                var layerUnits = result.GetValue(units) is { Length: > 0 } u ? u : [32];
                spec = new ModelSpec(result.GetValue(inputs), layerUnits.Select(n => new LayerSpec(result.GetValue(cell)!.Value, n)).ToArray(), result.GetValue(outputs));
            }
            output.Write(spec.Summary());
            return Task.FromResult(0);
        }).GetAwaiter().GetResult());
        return command;
    }

    /// <summary>Configuration and input errors end the command with a clear message and exit code 2, not a stack trace.</summary>
    private static async Task<int> Guarded(TextWriter output, Func<Task<int>> action)
    {
        try
        {
            return await action();
        }
        catch (WarmUpStoppedException e)
        {
            Console.Error.WriteLine($"rnnstream: {e.Message}");
            return 0;
        }
        catch (RunFailedException e)
        {
            Console.Error.WriteLine($"rnnstream: {e.Message}");
            return 1;
        }
        catch (Exception e) when (e is ArgumentException or FileNotFoundException or InvalidDataException or Feeds.Parsing.FeedSchemaException
                                      or Akka.Configuration.ConfigurationException or FormatException or Running.ResourceInUseException)
        {
            Console.Error.WriteLine($"rnnstream: {e.Message}");
            return 2;
        }
    }
}
