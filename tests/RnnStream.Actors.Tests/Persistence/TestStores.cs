using Akka.Configuration;

namespace RnnStream.Actors.Tests.Persistence;

/// <summary>Akka.Persistence.TestKit's journal and snapshot store, wired in by HOCON: in memory, and a test can make their writes fail.</summary>
internal static class TestStores
{
    public static Config Config { get; } = ConfigurationFactory.ParseString("""
        akka.persistence.journal {
          plugin = "akka.persistence.journal.test"
          test {
            class = "Akka.Persistence.TestKit.TestJournal, Akka.Persistence.TestKit"
            plugin-dispatcher = "akka.actor.default-dispatcher"
          }
        }
        akka.persistence.snapshot-store {
          plugin = "akka.persistence.snapshot-store.test"
          test {
            class = "Akka.Persistence.TestKit.TestSnapshotStore, Akka.Persistence.TestKit"
            plugin-dispatcher = "akka.actor.default-dispatcher"
          }
        }
        """);
}
