using Akka;
using Akka.Actor;
using Akka.Hosting;
using Akka.Streams.Dsl;
using RnnStream.Feeds.Records;

namespace RnnStream.Host.Embedding;

/// <summary>
/// The embedded service's two ends, for streams of the application's own: lines in (the
/// deployment's feed format, e.g. one JSON object per tick), every prediction out to every
/// subscriber, and every rejected line with its reason. Any number of producers and subscribers
/// may attach; with no prediction subscriber the service backpressures its producers rather than
/// drop a forecast. Rejects have a bounded buffer: unread, the oldest go.
/// </summary>
public sealed record RnnStreamEndpoint(Sink<string, NotUsed> Lines, Source<Prediction, NotUsed> Predictions, Source<Rejected, NotUsed> Rejects)
{
    /// <summary>The endpoint of the service that <see cref="RnnStreamHostingExtensions.WithRnnStream"/> started in this actor system.</summary>
    /// <exception cref="ArgumentException">The deployment could not start (its message says why).</exception>
    public static async Task<RnnStreamEndpoint> ConnectAsync(IReadOnlyActorRegistry registry, CancellationToken cancellation = default)
    {
        var gateway = await registry.GetAsync<RnnStreamGateway>(cancellation);
        using var patience = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        patience.CancelAfter(TimeSpan.FromSeconds(30));
        return await gateway.Ask<RnnStreamEndpoint>(RnnStreamGateway.Connect.Instance, patience.Token);
    }
}
