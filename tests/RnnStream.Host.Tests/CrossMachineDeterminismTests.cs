using System.Diagnostics;
using System.Runtime.Intrinsics;
using System.Security.Cryptography;
using System.Text;
using Xunit;
using Xunit.Abstractions;

namespace RnnStream.Host.Tests;

/// <summary>
/// The same replay forecasts the same numbers whatever vector width the CPU offers: a key group
/// resumed on another node, or a replay rerun on another machine, must predict what the first did.
/// Each run is a child process, one with AVX-512 as the machine has it and one with it switched off,
/// which is how an AVX2-only machine (an AMD EPYC of our kind) runs.
/// </summary>
public sealed class CrossMachineDeterminismTests(ITestOutputHelper log) : IDisposable
{
    private readonly ScratchDirectory _scratch = new("determinism");

    public void Dispose() => _scratch.Dispose();

    [Theory]
    [InlineData("simple-rnn")]
    [InlineData("gru")]
    [InlineData("lstm")]
    public async Task A_replay_writes_the_same_predictions_with_and_without_AVX_512(string cell)
    {
        var wide = await Replay(cell, avx512Off: false);
        var narrow = await Replay(cell, avx512Off: true);

        bool machineHasAvx512 = Vector512.IsHardwareAccelerated;
        log.WriteLine(machineHasAvx512
            ? "this machine has AVX-512: the first run used it, the second ran with it switched off"
            : "this machine has no AVX-512 (or it is switched off for this process): both runs took the same path, so this run only shows that a replay repeats itself");
        Assert.Contains(machineHasAvx512 ? "AVX-512 on" : "AVX-512 off", wide.Header);
        Assert.Contains("AVX-512 off", narrow.Header);
        Assert.True(wide.Rows > 1000, $"only {wide.Rows} predictions");
        log.WriteLine($"{cell}: {wide.Rows:N0} predictions, sha256 of the sorted rows {wide.Hash} and {narrow.Hash}");
        Assert.Equal(wide.Rows, narrow.Rows);
        Assert.Equal(wide.Hash, narrow.Hash);
    }

    private async Task<(string Header, int Rows, string Hash)> Replay(string cell, bool avx512Off)
    {
        string output = Path.Combine(_scratch.Path, $"{cell}-{(avx512Off ? "avx2" : "native")}.csv");
        var start = RnnstreamProcess.StartInfo([
                     "run", "--config", RepositoryPaths.Config("vitals.conf"),
                     "--output", output, "--set", $"model.cell={cell}", "--set", "feed.synthetic.series=6", "--set", "feed.synthetic.ticks=1440",
                     "--set", "training.every-event-time=3h", "--set", "training.batches=20", "--set", "training.min-windows=8",
                     "--set", $"output.quarantine={Path.Combine(_scratch.Path, "quarantine.jsonl")}",
                 ], _scratch.Path);
        // The first run inherits the machine as this process sees it; the second has AVX-512 switched off.
        if (avx512Off)
        {
            // .NET 10 reads DOTNET_EnableAVX512; earlier runtimes read DOTNET_EnableAVX512F.
            start.Environment["DOTNET_EnableAVX512"] = "0";
            start.Environment["DOTNET_EnableAVX512F"] = "0";
        }

        var (exit, text, progress) = await RnnstreamProcess.RunToEndAsync(start);
        Assert.True(exit == 0, $"exit {exit}: {text}\n{progress}");

        var rows = File.ReadAllLines(output).Skip(1).Order(StringComparer.Ordinal).ToArray();
        string hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', rows))));
        string header = (progress + text).Split('\n').First(line => line.StartsWith("rnnstream ", StringComparison.Ordinal));
        return (header, rows.Length, hash);
    }
}
