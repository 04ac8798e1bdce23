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

    /// <summary>
    /// How long to wait for a persistent actor's first answer. It comes after the stores start and the
    /// actor recovers, which in a fresh test process on a busy 2-core machine (the test assemblies run
    /// side by side) once took longer than the TestKit's default of 3 s. What is asserted is the
    /// answer, not how soon it comes.
    /// </summary>
    public static TimeSpan FirstAnswer { get; } = TimeSpan.FromSeconds(30);
}
