using System.Globalization;
using Akka.Cluster.Sharding;

namespace RnnStream.Actors.Protocol;

/// <summary>
/// How a shard region finds a key group: by its number, which is both its entity id and its shard
/// id (a key group is the unit of placement). Batches name their key group; anything else the
/// stream sends a key group goes in a ShardingEnvelope, which the region opens by itself.
/// </summary>
public sealed class KeyGroupExtractor : IMessageExtractor
{
    public static string EntityIdOf(int keyGroup) => keyGroup.ToString(CultureInfo.InvariantCulture);

    public static int KeyGroupOf(string entityId) => int.Parse(entityId, CultureInfo.InvariantCulture);

    public string? EntityId(object message) => message is KeyGroupTicks ticks ? EntityIdOf(ticks.KeyGroup) : null;

    public object? EntityMessage(object message) => message;

    public string? ShardId(object message) => EntityId(message);

    public string ShardId(string entityId, object? messageHint = null) => entityId;
}
