using Akka.Cluster.Sharding;
using RnnStream.Feeds.Records;

namespace RnnStream.Actors.Protocol;

/// <summary>
/// The one mapping from messages to series: the local parent uses it to find a child, a cluster
/// shard region would use it to find an entity and its shard. Ticks are routed as they are (no
/// envelope), so the hot path allocates nothing for routing.
/// </summary>
public sealed class SeriesMessageExtractor(int shards = 100) : IMessageExtractor
{
    public string? EntityId(object message) => message switch
    {
        Tick tick => tick.SeriesId,
        IWithSeriesId withId => withId.SeriesId,
        _ => null,
    };

    public object EntityMessage(object message) => message;

    public string ShardId(object message) => EntityId(message) is { } id ? ShardId(id) : throw new ArgumentException($"{message.GetType().Name} names no series");

    public string ShardId(string entityId, object? messageHint = null) =>
        Partition(entityId).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The partition (shard) that owns a series: stable across processes and restarts.</summary>
    public int Partition(string seriesId) => (int)(Model.Weights.Fnv1a.Hash32(seriesId) % (uint)shards);
}
