using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace RnnStream.Host.Tests;

/// <summary>`rnnstream` as a child process of its own, for what only a real process shows: exit codes, signals, OS file locks, CPU flags.</summary>
internal static partial class RnnstreamProcess
{
    /// <summary>`dotnet rnnstream.dll ARGS`, with both outputs redirected.</summary>
    public static ProcessStartInfo StartInfo(IEnumerable<string> args, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        if (workingDirectory is not null) start.WorkingDirectory = workingDirectory;
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "rnnstream.dll"));
        foreach (var arg in args) start.ArgumentList.Add(arg);
        return start;
    }

    /// <summary>Runs to the end (a hang fails after <paramref name="within"/>, 3 minutes by default) and returns what it said.</summary>
    public static async Task<(int Exit, string Output, string Errors)> RunToEndAsync(ProcessStartInfo start, TimeSpan? within = null)
    {
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var hang = new CancellationTokenSource(within ?? TimeSpan.FromMinutes(3));
        try
        {
            await process.WaitForExitAsync(hang.Token);
        }
        catch (OperationCanceledException)
        {
            // A hung child must not outlive the test (a cluster node would keep its port and its peers waiting).
            process.Kill(entireProcessTree: true);
            // What it said before it hung is the one clue to where it hung.
            static string Tail(string text) => text[^Math.Min(text.Length, 3000)..];
            throw new TimeoutException($"rnnstream {string.Join(' ', start.ArgumentList)} did not end within {within ?? TimeSpan.FromMinutes(3)}; " +
                                       $"its errors:\n{Tail(await errors)}\nits output:\n{Tail(await output)}");
        }
        return (process.ExitCode, await output, await errors);
    }

    public static Task<(int Exit, string Output, string Errors)> RunToEndAsync(IEnumerable<string> args, string? workingDirectory = null) =>
        RunToEndAsync(StartInfo(args, workingDirectory));

    /// <summary>SIGTERM, as an operator stops a run: it drains its in-flight ticks, takes its last checkpoint and exits.</summary>
    public static async Task Terminate(Process process, CancellationToken cancellation = default)
    {
        using var signal = Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)])!;
        await signal.WaitForExitAsync(cancellation);
    }

    /// <summary>The ticks a run has forecast so far, from one of its progress lines ("ticks 1,234  series ..."); null for any other line.</summary>
    public static long? ForecastTicks(string line) =>
        ProgressLine().Match(line) is { Success: true } progress ? long.Parse(progress.Groups[1].Value.Replace(",", ""), CultureInfo.InvariantCulture) : null;

    [GeneratedRegex(@"^ticks ([\d,]+)")]
    private static partial Regex ProgressLine();
}
