namespace RnnStream.Host.Cluster;

/// <summary>The registry key of a node's shard region of key groups.</summary>
public sealed class KeyGroupRegion;
