using Spectre.Console;

namespace RnnStream.Host.Running;

/// <summary>Results go to the command's output; progress goes to standard error, so results can be piped.</summary>
internal static class Consoles
{
    public static IAnsiConsole For(TextWriter output) => AnsiConsole.Create(new AnsiConsoleSettings
    {
        Out = new AnsiConsoleOutput(output),
        Interactive = InteractionSupport.No,
        Ansi = output == Console.Out ? AnsiSupport.Detect : AnsiSupport.No,
        ColorSystem = output == Console.Out ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
    });

    public static IAnsiConsole Progress(TextWriter output) => output == Console.Out
        ? AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) })
        : For(output);
}
