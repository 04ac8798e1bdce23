using RnnStream.Actors.Persistence;
using Xunit;

namespace RnnStream.Actors.Tests.Persistence;

/// <summary>
/// A PostgreSQL store's connections per process are capped unless the connection string says
/// otherwise: a checkpoint stores every key group at once, and three uncapped nodes exhausted the
/// server's 100 connections.
/// </summary>
public sealed class PersistenceConfigTests
{
    [Fact]
    public void A_postgresql_connection_string_without_a_pool_size_gets_the_cap_and_one_with_its_own_keeps_it()
    {
        string directory = Path.Combine(Path.GetTempPath(), $"rnnstream-config-{Guid.NewGuid():N}");
        try
        {
            var capped = PersistenceConfig.For(directory, "postgresql", "Host=db;Database=rnnstream;");
            Assert.Equal($"Host=db;Database=rnnstream;Maximum Pool Size={PersistenceConfig.PostgresPoolCap}", capped.GetString("akka.persistence.journal.sql.connection-string"));
            Assert.Equal($"Host=db;Database=rnnstream;Maximum Pool Size={PersistenceConfig.PostgresPoolCap}", capped.GetString("akka.persistence.snapshot-store.sql.connection-string"));

            var own = PersistenceConfig.For(directory, "postgresql", "Host=db;Max Pool Size=40");
            Assert.Equal("Host=db;Max Pool Size=40", own.GetString("akka.persistence.journal.sql.connection-string"));
        }
        finally
        {
            if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
        }
    }
}
