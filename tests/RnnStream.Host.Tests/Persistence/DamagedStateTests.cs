using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Xunit;
using Xunit.Abstractions;

namespace RnnStream.Host.Tests.Persistence;

/// <summary>
/// Durable state with a flipped byte (in a real SQLite file, the file itself still valid) is found
/// when it is read: the resume stops with one clear line and exit code 2, and writes nothing,
/// where it used to forecast thousands of rows differently without a word.
/// </summary>
public sealed class DamagedStateTests(ITestOutputHelper log) : IDisposable
{
    private readonly ScratchDirectory _scratch = new("damaged");

    public void Dispose() => _scratch.Dispose();

    [Theory]
    [InlineData("rnnstream-partition-3", "the snapshot of rnnstream-partition-3 at checkpoint")]
    [InlineData("rnnstream-pipeline", "the pipeline's cut of checkpoint")]
    public async Task A_flipped_byte_in_a_stored_snapshot_stops_the_resume_with_a_clear_error_and_changes_nothing(string persistenceId, string named)
    {
        string state = Path.Combine(_scratch.Path, "state"), predictions = Path.Combine(_scratch.Path, "predictions.csv");
        var first = await Run(Prefix(300), predictions, state);
        Assert.True(first.Exit == 0, first.Errors);

        FlipAByteOfTheLatestSnapshot(Path.Combine(state, "snapshots.db"), persistenceId);
        var written = File.ReadAllBytes(predictions);

        var resumed = await Run(Prefix(600), predictions, state);
        var line = TheOneErrorLine(resumed);
        Assert.Contains(named, line);
        Assert.Contains("is damaged (checksum mismatch)", line);
        Assert.Contains("run again with --resume-from previous; to start over, move it away or give another --data-dir", line);
        Assert.Equal(written, File.ReadAllBytes(predictions));

        // The way back: the checkpoint before the damaged one is whole, and a run from it writes exactly what an uninterrupted run does.
        var back = await Run(Prefix(600), predictions, state, "--resume-from", "previous");
        Assert.True(back.Exit == 0, back.Errors);
        Assert.Contains("resuming from checkpoint", back.Errors);
        string uninterrupted = Path.Combine(_scratch.Path, "uninterrupted.csv");
        var straight = await Run(Prefix(600), uninterrupted, Path.Combine(_scratch.Path, "state-uninterrupted"));
        Assert.True(straight.Exit == 0, straight.Errors);
        Assert.Equal(File.ReadAllLines(uninterrupted).Order(StringComparer.Ordinal), File.ReadAllLines(predictions).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("journal.db", 0, "the journal", "is empty while the snapshots are not: the journal is damaged")]
    [InlineData("snapshots.db", 20_000, "the store in", "database disk image is malformed")]
    public async Task A_store_file_cut_short_stops_the_resume_with_a_clear_error_instead_of_a_fresh_start_or_a_stack_trace(string file, long length, string starts, string says)
    {
        var (state, predictions) = CopyFixture();
        using (var cut = new FileStream(Path.Combine(state, file), FileMode.Open)) cut.SetLength(length);
        var written = File.ReadAllBytes(predictions);

        var resumed = await Run(Prefix(120), predictions, state);
        var line = TheOneErrorLine(resumed);
        Assert.StartsWith($"rnnstream: {starts}", line);
        Assert.Contains(says, line);
        Assert.Contains("run again with --resume-from previous; to start over, move it away or give another --data-dir", line);
        Assert.DoesNotContain("   at ", resumed.Errors);
        Assert.Equal(written, File.ReadAllBytes(predictions));
    }

    /// <summary>
    /// The predictions file a resume continues, changed behind the run's back: cut short, shifted
    /// by an edit so the committed length no longer ends a row, or one digit of a committed row
    /// changed in place. Continuing would lose or fuse rows, or build on rows nobody forecast.
    /// </summary>
    [Theory]
    [InlineData("cut", "has 50,000 bytes, less than the 103,863 checkpoint 3 committed")]
    [InlineData("edited", "does not end a row at byte 103,863, where checkpoint 3 committed it")]
    [InlineData("digit", "differs in its first 103,863 bytes from what checkpoint 3 committed (their SHA-256 does not match)")]
    public async Task A_predictions_file_changed_since_its_checkpoint_stops_the_resume_with_the_way_forward(string change, string says)
    {
        var (state, predictions) = CopyFixture();
        if (change == "cut") using (var file = new FileStream(predictions, FileMode.Open)) file.SetLength(50_000);
        else if (change == "digit") ChangeOneDigit(predictions, at: 60_000);
        else File.WriteAllText(predictions, "X" + File.ReadAllText(predictions));
        var written = File.ReadAllBytes(predictions);

        var resumed = await Run(Prefix(120), predictions, state);
        var line = TheOneErrorLine(resumed);
        Assert.Contains(says, line);
        Assert.Contains("Put back the file as checkpoint 3 left it, or start over", line);
        Assert.Equal(written, File.ReadAllBytes(predictions));
    }

    [Fact]
    public async Task A_resume_with_another_number_of_key_groups_stops_with_the_key_to_set_and_changes_nothing()
    {
        var (state, predictions) = CopyFixture();
        var written = File.ReadAllBytes(predictions);

        var resumed = await Run(Prefix(120), predictions, state, "--set", "router.partitions=64");
        var line = TheOneErrorLine(resumed);
        Assert.Contains("written with router.partitions = 16, this deployment has 64: run with --set router.partitions=16 to resume it", line);
        Assert.Equal(written, File.ReadAllBytes(predictions));
    }

    /// <summary>A data directory and its predictions file as a run left them (checkpoint 3, 1,800 rows).</summary>
    private (string State, string Predictions) CopyFixture() => DataDirectoryFixture.CopyTo("state3-cut3-hashed", _scratch.Path);

    /// <summary>Changes the first digit at or after byte <paramref name="at"/>: same length, same rows, one value different.</summary>
    private static void ChangeOneDigit(string path, int at)
    {
        var bytes = File.ReadAllBytes(path);
        int i = Array.FindIndex(bytes, at, b => b is >= (byte)'0' and <= (byte)'9');
        bytes[i] = bytes[i] == (byte)'9' ? (byte)'8' : (byte)(bytes[i] + 1);
        File.WriteAllBytes(path, bytes);
    }

    /// <summary>The run ended with exit code 2 and said why in exactly one line.</summary>
    private string TheOneErrorLine((int Exit, string Errors) resumed)
    {
        log.WriteLine(resumed.Errors);
        Assert.Equal(2, resumed.Exit);
        return Assert.Single(resumed.Errors.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => l.StartsWith("rnnstream:", StringComparison.Ordinal));
    }

    private string Prefix(int days)
    {
        string path = Path.Combine(_scratch.Path, $"dow{days}.csv");
        File.WriteAllLines(path, File.ReadLines(Path.Combine(RepositoryPaths.Root, "data", "prices", "dow30_close_daily.csv")).Take(1 + days));
        return path;
    }

    private static void FlipAByteOfTheLatestSnapshot(string database, string persistenceId)
    {
        using var connection = new SqliteConnection($"Data Source={database};Pooling=False");
        connection.Open();
        using var read = connection.CreateCommand();
        read.CommandText = "SELECT sequence_number, snapshot FROM snapshot WHERE persistence_id = $id ORDER BY sequence_number DESC LIMIT 1";
        read.Parameters.AddWithValue("$id", persistenceId);
        long number;
        byte[] blob;
        using (var reader = read.ExecuteReader())
        {
            Assert.True(reader.Read(), $"no snapshot of {persistenceId}");
            number = reader.GetInt64(0);
            blob = (byte[])reader[1];
        }
        blob[blob.Length / 2] ^= 0x10;
        using var write = connection.CreateCommand();
        write.CommandText = "UPDATE snapshot SET snapshot = $blob WHERE persistence_id = $id AND sequence_number = $n";
        write.Parameters.AddWithValue("$blob", blob);
        write.Parameters.AddWithValue("$id", persistenceId);
        write.Parameters.AddWithValue("$n", number);
        Assert.Equal(1, write.ExecuteNonQuery());
    }

    private async Task<(int Exit, string Errors)> Run(string input, string predictions, string state, params string[] more)
    {
        var (exit, _, errors) = await RnnstreamProcess.RunToEndAsync([
            "run", "--config", RepositoryPaths.Config("prices.conf"), "--input", input,
            "--output", predictions, "--data-dir", state, "--set", "training.every-event-time=60d", "--set", "training.batches=10",
            "--set", "persistence.checkpoint-every=3000", "--set", $"output.quarantine={Path.Combine(_scratch.Path, "quarantine.jsonl")}",
            // The same warm-up for every length of the file: the uninterrupted run on 600 days must choose its auto keys
            // (the holdout, sized by the warm-up's tick rate) as the run that began on 300 days did.
            "--set", "detection.warm-up-ticks=1500",
            .. more,
        ]);
        return (exit, errors);
    }
}
