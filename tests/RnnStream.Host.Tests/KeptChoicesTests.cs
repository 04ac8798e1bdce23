using Npgsql;
using RnnStream.Host.Configuration;
using Xunit;

namespace RnnStream.Host.Tests;

/// <summary>
/// What a socket feed's first run chose is kept beside its state, read back as it was (values,
/// steps, reasons, basis), in the data directory's file and in a PostgreSQL store's row, and a
/// damaged value is named, never read as another choice.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class KeptChoicesTests(PostgresServer postgres) : IDisposable
{
    private readonly ScratchDirectory _scratch = new("kept-choices");

    public void Dispose() => _scratch.Dispose();

    private static readonly InputChoices Chosen = new()
    {
        TimeFeatures = true,
        SeasonalLag = 48,
        PredictChange = true,
        WindowLength = 96,
        TrainEvery = 4,
        RidgeLags = 20,
        Step = TimeSpan.FromMinutes(30),
        MeanStep = null,
        SeriesCount = 2,
        WarmUpTicks = 400,
        Basis = "the first 400 ticks of the socket feed (2 series; detection.warm-up-ticks)",
        Reasons = new Dictionary<string, string> { [AutoKeys.SeasonalLag] = "daily 0.72 change correlation", [AutoKeys.Window] = "two 48-tick cycles" },
    };

    private static void AssertSame(InputChoices expected, InputChoices? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected with { Reasons = actual.Reasons }, actual);
        Assert.Equal(expected.Reasons.OrderBy(r => r.Key), actual.Reasons.OrderBy(r => r.Key));
    }

    [Fact]
    public void The_data_directory_keeps_the_choices_as_they_were_and_names_a_damaged_one()
    {
        new DetectionBasis(400, null) { Choices = Chosen }.KeepIn(_scratch.Path);

        var kept = DetectionBasis.Read(_scratch.Path);
        Assert.Equal((400L, (long?)null), (kept!.WarmUpTicks, kept.FeedTicks));
        AssertSame(Chosen, kept.Choices);

        string path = Path.Combine(_scratch.Path, DetectionBasis.FileName);
        File.WriteAllText(path, File.ReadAllText(path).Replace("choice.window = 96", "choice.window = ninety-six"));
        var damaged = Assert.Throws<InvalidDataException>(() => DetectionBasis.Read(_scratch.Path));
        Assert.Contains("choice.window is 'ninety-six', not a whole number", damaged.Message);
    }

    [Fact]
    public void A_file_feeds_basis_keeps_no_choices()
    {
        new DetectionBasis(600, 3_000).KeepIn(_scratch.Path);

        Assert.Null(DetectionBasis.Read(_scratch.Path)!.Choices);
    }

    [Fact]
    public async Task The_store_keeps_the_choices_in_its_row_and_reads_a_row_from_before_there_were_any()
    {
        string older = await postgres.CreateDatabaseAsync("older-basis");
        await using (var connection = new NpgsqlConnection(older))
        {
            await connection.OpenAsync();
            // The table as a build without kept choices made it.
            await using var create = new NpgsqlCommand($"CREATE TABLE {DetectionBasisTable.Name} (id smallint PRIMARY KEY CHECK (id = 1), warm_up_ticks bigint NOT NULL, feed_ticks bigint NULL); " +
                $"INSERT INTO {DetectionBasisTable.Name} VALUES (1, 600, 3000)", connection);
            await create.ExecuteNonQueryAsync();
        }
        var fromOlder = DetectionBasisTable.Read(older);
        Assert.Equal((600L, (long?)3_000, (InputChoices?)null), (fromOlder!.WarmUpTicks, fromOlder.FeedTicks, fromOlder.Choices));

        string store = await postgres.CreateDatabaseAsync("kept-choices");
        DetectionBasisTable.Keep(new DetectionBasis(400, null) { Choices = Chosen }, store);
        // A later run's keep leaves the first one's row as it was.
        DetectionBasisTable.Keep(new DetectionBasis(10, null) { Choices = Chosen with { WindowLength = 64 } }, store);

        var kept = DetectionBasisTable.Read(store);
        Assert.Equal(400, kept!.WarmUpTicks);
        AssertSame(Chosen, kept.Choices);
    }
}
