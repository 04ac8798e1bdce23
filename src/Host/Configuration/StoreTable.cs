using Npgsql;

namespace RnnStream.Host.Configuration;

/// <summary>
/// A one-row table beside the checkpoints in the shared PostgreSQL store, where a first run keeps
/// what later runs and the other nodes must share (<see cref="DetectionBasisTable"/>, <see cref="KeptModel"/>).
/// </summary>
internal static class StoreTable
{
    /// <summary>An open connection to the store, or null when <paramref name="table"/> is not there yet (nothing has run on it).</summary>
    public static NpgsqlConnection? OpenIfExists(string connectionString, string table)
    {
        var connection = new NpgsqlConnection(connectionString);
        try
        {
            connection.Open();
            using var exists = new NpgsqlCommand($"SELECT to_regclass('{table}') IS NOT NULL", connection);
            if ((bool)exists.ExecuteScalar()!) return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
        connection.Dispose();
        return null;
    }
}
