using System.Globalization;
using Npgsql;
using Xunit;

namespace RnnStream.Host.Tests.Persistence;

/// <summary>
/// With PostgreSQL as the store, what the first run chose its auto keys from is kept in the store
/// (where every node of a cluster reads it), not in the process's data directory: a run resumed on
/// a file that has grown since, from a data directory that never held it, chooses as the first did.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class DetectionBasisInStoreTests(PostgresServer postgres) : IDisposable
{
    private readonly ScratchDirectory _scratch = new("basis-in-store");

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public async Task A_resume_from_another_data_directory_on_a_grown_file_chooses_from_what_the_stores_first_run_chose_from()
    {
        string input = Path.Combine(_scratch.Path, "growing.csv");
        var noise = new Random(3);
        string Row(int t) => string.Create(CultureInfo.InvariantCulture,
            $"{new DateTime(2024, 1, 1).AddMinutes(5 * t):yyyy-MM-dd HH:mm:ss},{50 + 5 * Math.Sin(2 * Math.PI * t / 20) + noise.NextDouble():F3}");
        File.WriteAllLines(input, ["timestamp,value", .. Enumerable.Range(0, 1_000).Select(Row)]);
        string connection = await postgres.CreateDatabaseAsync("basis");
        string predictions = Path.Combine(_scratch.Path, "growing.predictions.csv");
        string[] Run(string dataDirectory) => ["run", "--input", input, "--data-dir", Path.Combine(_scratch.Path, dataDirectory), "--output", predictions,
            "--set", "http.port=off", "--set", "persistence.provider=postgresql", "--set", $"persistence.connection-string={connection}"];

        var first = await RnnstreamProcess.RunToEndAsync(Run("first"));
        Assert.True(first.Exit == 0, first.Errors);
        Assert.Contains("detected from the first 200 ticks", first.Errors + first.Output);
        Assert.False(File.Exists(Path.Combine(_scratch.Path, "first", "detection.conf")), "the basis belongs in the shared store, not in one process's data directory");
        Assert.Equal((200L, (long?)1_000), await KeptBasis(connection));

        File.AppendAllLines(input, Enumerable.Range(1_000, 2_000).Select(Row));
        var resumed = await RnnstreamProcess.RunToEndAsync(Run("another"));
        string said = resumed.Errors + resumed.Output;
        Assert.True(resumed.Exit == 0, said);
        Assert.Contains("resuming from checkpoint", said);
        Assert.Contains("detected from the first 200 ticks", said);
        Assert.Contains("as on this store's first run (its rnnstream_detection_basis table)", said);
        Assert.Contains("the feed's 1,000 ticks", said);
        Assert.Equal(1 + 3_000, File.ReadLines(predictions).Count());
        Assert.Equal((200L, (long?)1_000), await KeptBasis(connection));

        // The model the store's state was made by is kept there too: a node with another data directory and another window is refused.
        var changed = await RnnstreamProcess.RunToEndAsync([.. Run("third"), "--set", "series.window=32"]);
        Assert.Equal(2, changed.Exit);
        Assert.Contains("the store's state (its rnnstream_model table) was made by another model than this run's: ", changed.Errors);
        Assert.Contains("series.WindowLength: this run 32, the state 64", changed.Errors);

        await using (var damage = new NpgsqlConnection(connection))
        {
            await damage.OpenAsync();
            await using var update = new NpgsqlCommand("UPDATE rnnstream_detection_basis SET warm_up_ticks = -5", damage);
            await update.ExecuteNonQueryAsync();
        }
        var damaged = await RnnstreamProcess.RunToEndAsync(Run("first"));
        Assert.Equal(2, damaged.Exit);
        Assert.Contains("the store's rnnstream_detection_basis table is damaged (warm_up_ticks -5, feed_ticks 1000)", damaged.Errors);
    }

    private static async Task<(long WarmUp, long? Feed)> KeptBasis(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var select = new NpgsqlCommand("SELECT warm_up_ticks, feed_ticks FROM rnnstream_detection_basis", connection);
        await using var row = await select.ExecuteReaderAsync();
        Assert.True(await row.ReadAsync());
        var basis = (row.GetInt64(0), row.IsDBNull(1) ? (long?)null : row.GetInt64(1));
        Assert.False(await row.ReadAsync());
        return basis;
    }
}
