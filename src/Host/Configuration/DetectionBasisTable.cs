using Npgsql;

namespace RnnStream.Host.Configuration;

/// <summary>
/// The <see cref="DetectionBasis"/> of a deployment whose store is PostgreSQL, kept in that store
/// beside its checkpoints: one row, written by the first run. Every node of a cluster reads the same
/// row, so a node started later, or a whole cluster resumed on a file that has grown since, chooses
/// its auto keys from what the first run chose them from, whatever its own data directory holds.
/// </summary>
internal static class DetectionBasisTable
{
    public const string Name = "rnnstream_detection_basis";

    /// <summary>The basis the store keeps; null when it keeps none (nothing has run on it yet).</summary>
    public static DetectionBasis? Read(string connectionString)
    {
        try
        {
            using var connection = StoreTable.OpenIfExists(connectionString, Name);
            if (connection is null) return null;
            // Through the row's JSON: a table made by an older build has no choices column, and reads as keeping none.
            using var select = new NpgsqlCommand($"SELECT warm_up_ticks, feed_ticks, to_jsonb(kept) ->> 'choices' FROM {Name} kept WHERE id = 1", connection);
            using var row = select.ExecuteReader();
            if (!row.Read()) return null;
            long warmUp = row.GetInt64(0);
            long? feed = row.IsDBNull(1) ? null : row.GetInt64(1);
            if (warmUp < 0 || feed < 0)
                throw Damaged($"warm_up_ticks {warmUp}, feed_ticks {feed?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "null"}");
            InvalidDataException Damaged(string what) => new($"the store's {Name} table is damaged ({what}). " +
                "It holds what this store's first run chose its auto keys from. Put the row back as that run wrote it, or delete it to choose again " +
                "from the feed as it is now (a choice that changes the model is then refused).");
            var choices = row.IsDBNull(2) ? null : KeptChoices.From(KeptChoices.Parse(row.GetString(2).Split('\n'), Damaged), warmUp, Damaged);
            return new DetectionBasis(warmUp, feed) { Choices = choices };
        }
        catch (NpgsqlException e)
        {
            throw new InvalidOperationException($"the store (persistence.connection-string) cannot be read for what its first run chose the auto keys from: {e.Message}", e);
        }
    }

    /// <summary>Keeps <paramref name="basis"/> in the store, unless a row is there already (a resumed run, or another node's, keeps the first one's).</summary>
    public static void Keep(DetectionBasis basis, string connectionString)
    {
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        using var keep = new NpgsqlCommand(
            $"CREATE TABLE IF NOT EXISTS {Name} (id smallint PRIMARY KEY CHECK (id = 1), warm_up_ticks bigint NOT NULL, feed_ticks bigint NULL, choices text NULL); " +
            $"ALTER TABLE {Name} ADD COLUMN IF NOT EXISTS choices text NULL; " +
            $"INSERT INTO {Name} (id, warm_up_ticks, feed_ticks, choices) VALUES (1, @warmUp, @feed, @choices) ON CONFLICT (id) DO NOTHING", connection);
        keep.Parameters.AddWithValue("warmUp", basis.WarmUpTicks);
        keep.Parameters.AddWithValue("feed", basis.FeedTicks is { } ticks ? ticks : DBNull.Value);
        keep.Parameters.AddWithValue("choices", basis.Choices is { } choices ? string.Join("\n", KeptChoices.Lines(choices)) : DBNull.Value);
        keep.ExecuteNonQuery();
    }
}
