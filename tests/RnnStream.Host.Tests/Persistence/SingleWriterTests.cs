using System.Diagnostics;
using Xunit;
using Xunit.Abstractions;

namespace RnnStream.Host.Tests.Persistence;

/// <summary>
/// Two processes on one data directory or one output file: the second stops at once, names what is
/// in use, exits 2 and touches nothing (real processes, real OS file locks).
/// </summary>
public sealed class SingleWriterTests(ITestOutputHelper log) : IDisposable
{
    private readonly ScratchDirectory _scratch = new("single-writer");

    public void Dispose() => _scratch.Dispose();

    private ProcessStartInfo Rnnstream(params string[] args) => RnnstreamProcess.StartInfo(args, _scratch.Path);

    private async Task<(int Exit, string Errors)> RunToEnd(params string[] args)
    {
        var (exit, _, errors) = await RnnstreamProcess.RunToEndAsync(args, _scratch.Path);
        return (exit, errors);
    }

    [Fact]
    public async Task A_second_run_on_a_data_directory_or_an_output_in_use_exits_2_naming_it_and_changes_nothing()
    {
        string state = Path.Combine(_scratch.Path, "state"), predictions = Path.Combine(_scratch.Path, "live.jsonl");
        // The first run listens on a socket until it is stopped, so it holds both while the others try.
        using var first = Process.Start(Rnnstream("run", "--config", RepositoryPaths.Config("live.conf"), "--set", "feed.tcp.port=0",
            "--data-dir", state, "--output", predictions, "--set", $"output.quarantine={Path.Combine(_scratch.Path, "q1.jsonl")}"))!;
        try
        {
            while (await first.StandardError.ReadLineAsync() is { } line && !line.StartsWith("tcp feed listening", StringComparison.Ordinal)) { }
            var otherOutput = Path.Combine(_scratch.Path, "other.csv");
            string prices = RepositoryPaths.Config("prices.conf");

            var sameState = await RunToEnd("run", "--config", prices, "--data-dir", state, "--output", otherOutput,
                "--set", $"output.quarantine={Path.Combine(_scratch.Path, "q2.jsonl")}");
            log.WriteLine(sameState.Errors);
            Assert.Equal(2, sameState.Exit);
            Assert.Contains($"data directory '{state}' is in use by another rnnstream run", sameState.Errors);
            Assert.False(File.Exists(otherOutput));

            var sameOutput = await RunToEnd("run", "--config", prices, "--output", predictions, "--set", $"output.quarantine={Path.Combine(_scratch.Path, "q3.jsonl")}");
            log.WriteLine(sameOutput.Errors);
            Assert.Equal(2, sameOutput.Exit);
            Assert.Contains($"output '{predictions}' is in use by another rnnstream run", sameOutput.Errors);

            // Neither opened anything of its own: the locks come before any file.
            Assert.False(File.Exists(Path.Combine(_scratch.Path, "q2.jsonl")));
            Assert.False(File.Exists(Path.Combine(_scratch.Path, "q3.jsonl")));
            Assert.False(first.HasExited, "the first run stopped");
        }
        finally
        {
            first.Kill(entireProcessTree: true);
            await first.WaitForExitAsync();
        }

        // Its holder gone (even by SIGKILL), the directory is free again.
        var after = await RunToEnd("run", "--config", RepositoryPaths.Config("prices.conf"), "--input", Path.Combine(RepositoryPaths.Root, "data", "prices", "dow30_close_daily.csv"),
            "--set", "training.every-event-time=", "--data-dir", Path.Combine(_scratch.Path, "state"), "--output", Path.Combine(_scratch.Path, "after.csv"),
            "--set", $"output.quarantine={Path.Combine(_scratch.Path, "q4.jsonl")}");
        Assert.True(after.Exit == 0, after.Errors);
    }
}
