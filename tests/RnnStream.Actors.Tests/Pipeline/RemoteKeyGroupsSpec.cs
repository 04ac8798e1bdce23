using Akka.Actor;
using Akka.Configuration;
using Akka.Streams;
using Akka.Streams.Dsl;
using RnnStream.Actors.Pipeline;
using RnnStream.Feeds.Records;
using Xunit;

namespace RnnStream.Actors.Tests.Pipeline;

/// <summary>
/// The stream on one actor system, its key groups on another, over Akka.Remote on 127.0.0.1: every
/// batch and answer crosses a real socket through the protocol's serializer, and the predictions
/// are exactly those of key groups in the stream's own process.
/// </summary>
public sealed class RemoteKeyGroupsSpec() : Akka.TestKit.Xunit2.TestKit(Remote.WithFallback(PipelineConfig.Config))
{
    private static readonly Config Remote = ConfigurationFactory.ParseString("""
        akka.actor.provider = remote
        akka.remote.dot-netty.tcp { hostname = 127.0.0.1, port = 0 }
        """);

    private static readonly string[] FiveSeries = ["alpha", "beta", "gamma", "delta", "epsilon"];

    [Fact]
    public async Task Key_groups_on_another_node_answer_exactly_what_local_ones_do()
    {
        var ticks = Ticks.Interleaved(FiveSeries, 40).ToList();
        var here = new Harness(Sys);
        var local = await Run(here, ticks);

        using var other = ActorSystem.Create("keygroups", Remote.WithFallback(PipelineConfig.Config));
        try
        {
            var remote = new Harness(other);
            // The stream's side sees them through their remote addresses, as another node would.
            var address = ((ExtendedActorSystem)other).Provider.DefaultAddress;
            var refs = await Task.WhenAll(remote.Partitions.Select(p =>
                Sys.ActorSelection(new RootActorPath(address) / p.Path.Elements).ResolveOne(TimeSpan.FromSeconds(10))));
            Assert.All(refs, r => Assert.False(r.Path.Address.HasLocalScope));
            // So the stream shares nothing with them: a new message each batch, no inbox, no pooled ticks or answers.
            var crossing = KeyGroups.Local(refs);
            Assert.All(Enumerable.Range(0, refs.Length), keyGroup => Assert.False(crossing.SharesMemory(keyGroup)));
            Assert.True(KeyGroups.Local(here.Partitions).SharesMemory(0));
            var crossed = await Run(remote, ticks, refs);

            Assert.Equal(Rows(local), Rows(crossed));
        }
        finally
        {
            await other.Terminate();
        }
    }

    private async Task<IReadOnlyList<Prediction>> Run(Harness harness, List<Tick> ticks, IReadOnlyList<IActorRef>? keyGroups = null) =>
        await Source.From(ticks)
            .Via(SeriesRouter.OnePerPrediction(new SeriesRouter(keyGroups ?? harness.Partitions, harness.RouterSettings)))
            .RunWith(Sink.Seq<Prediction>(), Sys.Materializer());

    /// <summary>Every prediction as one comparable row (series, offset, values, version, forecaster, target), sorted.</summary>
    internal static List<string> Rows(IEnumerable<Prediction> predictions) => predictions
        .Select(p => $"{p.SeriesId}@{p.Offset}:{string.Join(";", p.Values.ToArray().Select(v => v.ToString("R")))}|v{p.WeightsVersion}|{p.Forecaster}|{p.TargetTimestamp}")
        .Order(StringComparer.Ordinal).ToList();
}
