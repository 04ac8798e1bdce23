using Akka.Configuration;

namespace RnnStream.Actors.Pipeline;

/// <summary>The Akka settings the pipeline relies on; merged into any actor system that runs it.</summary>
public static class PipelineConfig
{
    /// <summary>
    /// One pinned thread for training, so a retrain never takes a series actor's thread; MathNet
    /// and the trainer are single-threaded, so two cores stay shared between stream and actors.
    /// </summary>
    public const string Hocon = """
        rnnstream.trainer-dispatcher {
          type = PinnedDispatcher
        }
        akka.actor.default-dispatcher.throughput = 64
        """;

    public static Config Config => ConfigurationFactory.ParseString(Hocon);
}
