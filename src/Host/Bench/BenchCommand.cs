using System.CommandLine;

namespace RnnStream.Host.Bench;

/// <summary>`rnnstream bench`: end-to-end throughput, latency and memory per series.</summary>
internal static class BenchCommand
{
    public static Command Create(TextWriter output)
    {
        var command = new Command("bench", "End-to-end benchmark: synthetic feed at full speed through the series actors.");
        command.SetAction(_ =>
        {
            output.WriteLine("bench: not yet wired");
            return 1;
        });
        return command;
    }
}
