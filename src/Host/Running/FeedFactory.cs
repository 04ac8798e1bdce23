using Akka.Actor;
using Akka.Streams.Dsl;
using RnnStream.Feeds.Parsing;
using RnnStream.Feeds.Records;
using RnnStream.Feeds.Sources;
using RnnStream.Host.Configuration;

namespace RnnStream.Host.Running;

/// <summary>Opens the feed a deployment names. A file's header is read first, so the model knows its inputs before the stream starts.</summary>
internal static class FeedFactory
{
    /// <param name="otherNodesListen">A cluster's coordinating node: a socket feed also takes the lines other nodes' listeners send it.</param>
    public static OpenedFeed Open(ActorSystem system, Deployment deployment, bool otherNodesListen = false)
    {
        var feed = deployment.FeedType switch
        {
            "file" => OpenFile(deployment),
            "synthetic-prices" => Synthetic(deployment, SyntheticPrices.Features,
                SyntheticPrices.Batches(deployment.SyntheticSeries, deployment.SyntheticTicks, deployment.Seed), "synthetic prices"),
            "synthetic-vitals" => Synthetic(deployment, SyntheticVitals.Features,
                SyntheticVitals.Batches(deployment.SyntheticSeries, deployment.SyntheticTicks, deployment.Seed), "synthetic vitals"),
            "tcp" => OpenTcp(system, deployment, otherNodesListen),
            var other => throw new ArgumentException($"feed.type '{other}' is not file, synthetic-prices, synthetic-vitals or tcp"),
        };
        // Paced a record at a time, each released at its own time, and gathered again behind the pacing.
        return deployment.Pacing == "realtime"
            ? feed with { Batches = feed.Batches.SelectMany(batch => batch).Via(EventTimePacing.Create(deployment.Speed)).Via(RecordBatches.Gather()) }
            : feed;
    }

    private static OpenedFeed OpenFile(Deployment deployment)
    {
        string path = deployment.FeedPath ?? throw new ArgumentException("feed.path is required for a file feed (or use --input)");
        if (!File.Exists(path)) throw new FileNotFoundException($"feed file '{path}' does not exist", path);
        var layout = FeedLayout.Of(deployment);
        var records = FileFeed.Records(path, skipFirst: 1, layout.Parser);
        return new OpenedFeed(records, layout.Features, layout.Targets, $"{Path.GetFileName(path)} ({deployment.Schema.Format.ToString().ToLowerInvariant()})")
        {
            Clock = layout.Parser,
        };
    }

    private static OpenedFeed Synthetic(Deployment deployment, string[] features, Source<RecordBatch, Akka.NotUsed> ticks, string name)
    {
        var layout = FeedLayout.Of(deployment);
        return new OpenedFeed(ticks, layout.Features, layout.Targets, $"{name}, {deployment.SyntheticSeries} series");
    }

    private static OpenedFeed OpenTcp(ActorSystem system, Deployment deployment, bool otherNodesListen)
    {
        if (deployment.Schema.Format != FeedFormat.JsonLines && deployment.Columns.Count == 0)
            throw new ArgumentException("a CSV feed over TCP needs feed.columns (its lines carry no header)");
        var layout = FeedLayout.Of(deployment);
        // Without durable state no checkpoint would ever take a line off again.
        var acks = deployment.TcpClientsAcked ? new TcpAcks() : null;
        var replies = deployment.TcpFeed.PredictionsBack ? new TcpReplies() : null;
        var listening = new TaskCompletionSource<System.Net.EndPoint>(TaskCreationOptions.RunContinuationsAsynchronously);
        TaskCompletionSource<Sink<TcpArrivals, Akka.NotUsed>>? otherNodes = otherNodesListen ? new(TaskCreationOptions.RunContinuationsAsynchronously) : null;
        // Lines come in batches only while this stream is busy; a few batches per node are enough to keep their sockets read.
        var elsewhere = otherNodes is null ? null
            : MergeHub.Source<TcpArrivals>(perProducerBufferSize: 4).MapMaterializedValue(sink =>
            {
                otherNodes.TrySetResult(sink);
                return Akka.NotUsed.Instance;
            }).SelectMany(batch => batch.Runs);
        var records = TcpLineFeed.Bind(system, deployment.TcpFeed, deployment.TcpCounters, acks, replies, elsewhere)
            .MapMaterializedValue(binding =>
            {
                binding.ContinueWith(bound =>
                {
                    if (bound.IsCompletedSuccessfully) listening.TrySetResult(bound.Result.LocalAddress);
                    else listening.TrySetException(bound.Exception?.GetBaseException() ?? new InvalidOperationException("the feed's socket was not bound"));
                }, TaskContinuationOptions.ExecuteSynchronously);
                return Akka.NotUsed.Instance;
            })
            .Via(ParsingFlow.Batched(layout.Parser));
        return new OpenedFeed(records, layout.Features, layout.Targets, $"tcp {deployment.TcpFeed.Host}:{deployment.TcpFeed.Port}")
        {
            Clock = layout.Parser,
            Acks = acks,
            Replies = replies,
            Listening = listening.Task,
            OtherNodesArrivals = otherNodes?.Task,
        };
    }
}
