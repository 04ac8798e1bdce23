using Akka.Actor;
using Akka.Cluster.Sharding;

namespace RnnStream.Actors.Pipeline;

/// <summary>
/// Where the stream reaches its key groups: actors of its own node (one reference each), or
/// entities of a cluster's shard region, addressed by their number wherever they live. The stream
/// watches what it can see stop: each local key group, or the region.
/// </summary>
public abstract class KeyGroups
{
    public abstract int Count { get; }

    public abstract void Tell(int keyGroup, object message, IActorRef sender);

    /// <summary>A question to one key group, wherever it runs; its answer, or a timeout.</summary>
    public abstract Task<object> Ask(int keyGroup, object message, TimeSpan timeout);

    /// <summary>What the stream watches: if one of these stops, answers it waits for may never come.</summary>
    public abstract IReadOnlyList<IActorRef> Watched { get; }

    /// <summary>The key group a watched actor that stopped stood for (−1: all of them, e.g. the region).</summary>
    public abstract int KeyGroupOf(IActorRef stopped);

    /// <summary>
    /// Whether the key group is an actor of the stream's own process, so that what the stream sends
    /// it is never serialized: only then may the two share objects (a refilled message, an inbox
    /// for answers, pooled batches). A cluster's key groups never are, wherever sharding puts them.
    /// </summary>
    public abstract bool SharesMemory(int keyGroup);

    public static KeyGroups Local(IReadOnlyList<IActorRef> actors) => new LocalKeyGroups(actors);

    public static KeyGroups Sharded(IActorRef region, int count) => new ShardedKeyGroups(region, count);

    private sealed class LocalKeyGroups : KeyGroups
    {
        private readonly IReadOnlyList<IActorRef> _actors;

        public LocalKeyGroups(IReadOnlyList<IActorRef> actors) =>
            _actors = actors.Count > 0 ? actors : throw new ArgumentException("at least one key group", nameof(actors));

        public override int Count => _actors.Count;
        public override void Tell(int keyGroup, object message, IActorRef sender) => _actors[keyGroup].Tell(message, sender);
        public override Task<object> Ask(int keyGroup, object message, TimeSpan timeout) => _actors[keyGroup].Ask(message, timeout);
        public override IReadOnlyList<IActorRef> Watched => _actors;

        public override bool SharesMemory(int keyGroup) => _actors[keyGroup] is IInternalActorRef { IsLocal: true };

        public override int KeyGroupOf(IActorRef stopped)
        {
            for (int i = 0; i < _actors.Count; i++)
                if (_actors[i].Equals(stopped)) return i;
            return -1;
        }
    }

    /// <summary>Entity id = the key group's number; one shard per key group, the unit a cluster places.</summary>
    private sealed class ShardedKeyGroups(IActorRef region, int count) : KeyGroups
    {
        public override int Count { get; } = count > 0 ? count : throw new ArgumentOutOfRangeException(nameof(count));

        public override void Tell(int keyGroup, object message, IActorRef sender) =>
            region.Tell(message is Protocol.KeyGroupTicks ? message : new ShardingEnvelope(Protocol.KeyGroupExtractor.EntityIdOf(keyGroup), message), sender);

        public override Task<object> Ask(int keyGroup, object message, TimeSpan timeout) =>
            region.Ask(new ShardingEnvelope(Protocol.KeyGroupExtractor.EntityIdOf(keyGroup), message), timeout);

        public override IReadOnlyList<IActorRef> Watched { get; } = [region];
        public override int KeyGroupOf(IActorRef stopped) => -1;
        public override bool SharesMemory(int keyGroup) => false;
    }
}
