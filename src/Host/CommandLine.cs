using System.CommandLine;
using RnnStream.Model.Specs;

namespace RnnStream.Host;

/// <summary>The `rnnstream` command and its subcommands.</summary>
internal static class CommandLine
{
    /// <param name="output">Where commands print (the console in the program, a buffer in tests).</param>
    public static RootCommand Build(TextWriter? output = null)
    {
        output ??= Console.Out;
        var root = new RootCommand("RnnStream: live recurrent-network forecasts for many time series at once.");
        root.Subcommands.Add(SummaryCommand(output));
        return root;
    }

    private static Command SummaryCommand(TextWriter output)
    {
        var cell = new Option<CellType>("--cell") { Description = "Recurrent cell: SimpleRnn, Lstm or Gru.", DefaultValueFactory = _ => CellType.Lstm };
        var units = new Option<int[]>("--units") { Description = "Units per layer, bottom first (several values stack layers).", DefaultValueFactory = _ => [32], AllowMultipleArgumentsPerToken = true };
        var inputs = new Option<int>("--inputs") { Description = "Input features D.", DefaultValueFactory = _ => 4 };
        var outputs = new Option<int>("--outputs") { Description = "Predicted values K.", DefaultValueFactory = _ => 1 };
        var command = new Command("summary", "Print the model's layers, output shapes and parameter counts (Keras-style).") { cell, units, inputs, outputs };
        command.SetAction(result =>
        {
            var layers = result.GetValue(units)!.Select(u => new LayerSpec(result.GetValue(cell), u)).ToArray();
            var spec = new ModelSpec(result.GetValue(inputs), layers, result.GetValue(outputs));
            output.Write(spec.Summary());
            return 0;
        });
        return command;
    }
}
