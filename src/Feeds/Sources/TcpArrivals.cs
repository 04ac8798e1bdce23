namespace RnnStream.Feeds.Sources;

/// <summary>Runs of lines taken in by one node's listener, on their way to the node whose stream gives them feed positions (batched only while that stream is busy).</summary>
public sealed record TcpArrivals(IReadOnlyList<LineRun> Runs);
