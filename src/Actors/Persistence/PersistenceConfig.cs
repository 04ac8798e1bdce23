using Akka.Configuration;
using Akka.Persistence.Sql;

namespace RnnStream.Actors.Persistence;

/// <summary>
/// Akka.Persistence on Akka.Persistence.Sql: SQLite files in the data directory by default (the
/// embedded choice: nothing to install), or PostgreSQL from a connection string when several nodes
/// share one store. Our journal records are bound to our own serializer.
/// </summary>
public static class PersistenceConfig
{
    /// <param name="provider">sqlite or postgresql.</param>
    /// <param name="connectionString">For postgresql; ignored for sqlite, whose files live in <paramref name="dataDirectory"/>.</param>
    public static Config For(string dataDirectory, string provider = "sqlite", string? connectionString = null)
    {
        Directory.CreateDirectory(dataDirectory);
        var (providerName, journal, snapshots) = provider switch
        {
            // Two files: the journal's small appends never wait behind a large snapshot write for SQLite's single writer lock.
            "sqlite" => ("SQLite.MS", WriteAheadLogged(Path.Combine(Path.GetFullPath(dataDirectory), "journal.db")),
                WriteAheadLogged(Path.Combine(Path.GetFullPath(dataDirectory), "snapshots.db"))),
            "postgresql" when !string.IsNullOrWhiteSpace(connectionString) => ("PostgreSQL.15", WithPoolCap(connectionString), WithPoolCap(connectionString)),
            "postgresql" => throw new ArgumentException("persistence.provider = postgresql needs persistence.connection-string"),
            _ => throw new ArgumentException($"persistence.provider '{provider}' is not sqlite or postgresql"),
        };
        string hocon = $$"""
            akka.persistence {
              journal {
                plugin = "akka.persistence.journal.sql"
                sql {
                  connection-string = {{Quote(journal)}}
                  provider-name = "{{providerName}}"
                  parallelism = 1
                  auto-initialize = true
                }
              }
              snapshot-store {
                plugin = "akka.persistence.snapshot-store.sql"
                sql {
                  connection-string = {{Quote(snapshots)}}
                  provider-name = "{{providerName}}"
                  auto-initialize = true
                }
              }
            }
            """;
        return ConfigurationFactory.ParseString(hocon).WithFallback(RecordSerialization).WithFallback(SqlPersistence.DefaultConfiguration);
    }

    /// <summary>Binds our journal records to <see cref="PersistedRecordSerializer"/>, whatever store is used.</summary>
    public static Config RecordSerialization { get; } = ConfigurationFactory.ParseString("""
        akka.actor {
          serializers.rnnstream-records = "RnnStream.Actors.Persistence.PersistedRecordSerializer, RnnStream.Actors"
          serialization-bindings {
            "RnnStream.Actors.Persistence.IPersistedRecord, RnnStream.Actors" = rnnstream-records
          }
        }
        """);

    /// <summary>
    /// The connection string of a SQLite file in write-ahead-log mode (a setting the file keeps):
    /// a commit appends to the log once instead of writing pages twice through a rollback journal,
    /// which roughly halves the disk traffic of large snapshots, and readers never block the writer.
    /// </summary>
    private static string WriteAheadLogged(string file)
    {
        string connectionString = $"Data Source={file}";
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection(connectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode=WAL;";
        command.ExecuteNonQuery();
        return connectionString;
    }

    /// <summary>
    /// Connections per process, unless the connection string says otherwise. A checkpoint stores
    /// every key group at once and then deletes their older snapshots at once; uncapped, three nodes
    /// opened more than PostgreSQL's default 100 connections ("too many clients") and checkpoints
    /// failed. Capped, the writes queue for a connection instead.
    /// </summary>
    public const int PostgresPoolCap = 16;

    private static string WithPoolCap(string connectionString) =>
        System.Text.RegularExpressions.Regex.IsMatch(connectionString, @"(?i)max(imum)?\s*pool\s*size")
            ? connectionString
            : $"{connectionString.TrimEnd(';')};Maximum Pool Size={PostgresPoolCap}";

    private static string Quote(string text) => System.Text.Json.JsonSerializer.Serialize(text);
}
