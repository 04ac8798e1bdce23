using Npgsql;

namespace RnnStream.Host.Configuration;

/// <summary>
/// The model a data directory's state was made by (<see cref="ModelAgreement.Describe"/>), kept beside
/// it: a file in the data directory, or a row in the shared PostgreSQL store. A run that resumes that
/// state with another model (a key changed since, or an auto key chosen otherwise) is refused with the
/// difference named: its series' windows and normalizers would not fit the settings, and every tick
/// would fail, or be forecast by a model that is neither the old one nor the new.
/// </summary>
internal static class KeptModel
{
    public const string FileName = "model.conf";
    public const string TableName = "rnnstream_model";

    /// <summary>Refuses to resume a state made by a model whose series settings differ from <paramref name="description"/>'s. Nothing without a data directory, or before a state says what made it.</summary>
    /// <param name="resumed">The data directory holds a committed checkpoint this run goes on from.</param>
    public static void RequireSame(Deployment deployment, string description, bool resumed)
    {
        if (!resumed || deployment.DataDirectory is not { } directory) return;
        string? kept = deployment.KeepsInStore ? ReadRow(deployment.PersistenceConnectionString!) : ReadFile(directory);
        if (kept is null) return;
        // The network's shape and the key groups are checked where the state is read (LivePipeline), naming both
        // models and the keys that make them; the series settings are checked only here.
        var differences = ModelAgreement.Differences(description, kept, hereName: "this run", thereName: "the state", keysUnder: "series.");
        if (differences.Count == 0) return;
        string where = deployment.KeepsInStore ? $"the store's state (its {TableName} table)" : $"the state in {directory} ({FileName})";
        throw new InvalidDataException($"{where} was made by another model than this run's: {string.Join("; ", differences)}. " +
            "Resume it with the keys it was made with, or give another --data-dir to start again.");
    }

    /// <summary>
    /// Keeps <paramref name="description"/> as the model of the data directory's state, once the run
    /// has accepted it: a refused start leaves what the state says untouched. Nothing without a data directory.
    /// </summary>
    public static void Keep(Deployment deployment, string description)
    {
        if (deployment.DataDirectory is not { } directory) return;
        if (deployment.KeepsInStore) KeepRow(description, deployment.PersistenceConnectionString!);
        else KeepFile(description, directory);
    }

    private static string? ReadFile(string directory)
    {
        string path = Path.Combine(directory, FileName);
        if (!File.Exists(path)) return null;
        return string.Join('\n', File.ReadLines(path).Where(line => line.Length > 0 && !line.StartsWith('#')));
    }

    private static void KeepFile(string description, string directory)
    {
        Directory.CreateDirectory(directory);
        string path = Path.Combine(directory, FileName);
        string temporary = path + ".tmp";
        File.WriteAllText(temporary, "# The model this data directory's state was made by; a run that resumes it with another is refused.\n" + description + "\n");
        File.Move(temporary, path, overwrite: true);
    }

    private static string? ReadRow(string connectionString)
    {
        try
        {
            using var connection = StoreTable.OpenIfExists(connectionString, TableName);
            if (connection is null) return null;
            using var select = new NpgsqlCommand($"SELECT description FROM {TableName} WHERE id = 1", connection);
            return select.ExecuteScalar() as string;
        }
        catch (NpgsqlException e)
        {
            throw new InvalidOperationException($"the store (persistence.connection-string) cannot be read for the model its state was made by: {e.Message}", e);
        }
    }

    private static void KeepRow(string description, string connectionString)
    {
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        using var keep = new NpgsqlCommand(
            $"CREATE TABLE IF NOT EXISTS {TableName} (id smallint PRIMARY KEY CHECK (id = 1), description text NOT NULL); " +
            $"INSERT INTO {TableName} (id, description) VALUES (1, @description) ON CONFLICT (id) DO UPDATE SET description = EXCLUDED.description", connection);
        keep.Parameters.AddWithValue("description", description);
        keep.ExecuteNonQuery();
    }
}
