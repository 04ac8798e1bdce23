using Akka;
using Akka.Streams.Dsl;
using RnnStream.Feeds.Records;
using Spectre.Console;

namespace RnnStream.Host.Running;

/// <summary>A feed ready to run, with the feature layout the model is built for.</summary>
/// <param name="Batches">Its records, as many at a time as it reads or makes them: a file's lines a read's worth, a socket's as they are taken while the stream is busy.</param>
internal sealed record OpenedFeed(Source<RecordBatch, NotUsed> Batches, IReadOnlyList<string> Features, IReadOnlyList<int> Targets, string Description)
{
    /// <summary>The parser's per-series clock, restored on resume; null for a generated feed, whose times only go forward.</summary>
    public Feeds.Parsing.ISeriesClock? Clock { get; init; }

    /// <summary>A socket feed's acks to its clients, told of each committed checkpoint; null when the feed has no clients to tell.</summary>
    public Feeds.Sources.TcpAcks? Acks { get; init; }

    /// <summary>A socket feed's way to send each client its own predictions (feed.tcp.predictions-back); null: none go back.</summary>
    public Feeds.Sources.TcpReplies? Replies { get; init; }

    /// <summary>A tap of rejects that tells each socket client of its lines set aside (with predictions back); null when none go back.</summary>
    public Action<Rejected>? RejectsBack => Replies is { } replies ? replies.Reject : null;

    /// <summary>A tap of ticks that could not be forecast that tells each socket client of its own (with predictions back); null when none go back.</summary>
    public Action<Prediction>? FailuresBack => Replies is { } replies ? replies.Failed : null;

    /// <summary>A socket feed's address once it is bound (the real port when port 0 asked the system for one); null for other feeds.</summary>
    public Task<System.Net.EndPoint>? Listening { get; init; }

    /// <summary>
    /// On a cluster's coordinating node: where other nodes' listeners send the lines they take in,
    /// once the stream runs (they join this node's before feed positions are given); null elsewhere.
    /// </summary>
    public Task<Sink<Feeds.Sources.TcpArrivals, NotUsed>>? OtherNodesArrivals { get; init; }

    /// <summary>
    /// A socket feed's clients served by the run: acked as checkpoints commit, told where the feed
    /// listens once it is bound (the real port when port 0 asked for any), and sent their
    /// predictions by the returned tap of batches, which also gives each batch to <paramref name="tap"/>
    /// (null when there is neither). Other feeds leave all three as they are.
    /// </summary>
    public Action<PredictionBatch>? Serve(Actors.Persistence.Durability? durability, IAnsiConsole console, Action<Prediction>? tap)
    {
        if (durability is not null && Acks is { } acks) durability.Stats.OnCommitted = committed => acks.CoveredBelow(committed.NextOffset);
        Listening?.ContinueWith(bound => console.MarkupLine($"tcp feed listening on {Markup.Escape(bound.Result.ToString() ?? "")}"), TaskContinuationOptions.OnlyOnRanToCompletion);
        var each = tap is null ? null : OutputFactory.EachOf(tap);
        return Replies is { } replies ? each + replies.Send : each;
    }
}
