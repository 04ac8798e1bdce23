using Spectre.Console;

namespace RnnStream.Host.Running;

/// <summary>Results go to the command's output; progress goes to standard error, so results can be piped.</summary>
internal static class Consoles
{
    public static IAnsiConsole For(TextWriter output)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Interactive = InteractionSupport.No,
            Ansi = output == Console.Out ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = output == Console.Out ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
        });
        // Piped or captured, there is no terminal to fit: tables keep their cells whole (a terminal's own width is kept).
        if (output != Console.Out || Console.IsOutputRedirected) console.Profile.Width = 240;
        return console;
    }

    public static IAnsiConsole Progress(TextWriter output)
    {
        var console = output == Console.Out
            ? AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) })
            : For(output);
        // Redirected progress is read line by line (logs, scripts, the crash test): one status per line, not wrapped at 80 columns.
        if (output != Console.Out || Console.IsErrorRedirected) console.Profile.Width = 240;
        return console;
    }
}
