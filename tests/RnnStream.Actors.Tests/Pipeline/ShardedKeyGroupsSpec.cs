using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Sharding;
using Akka.Configuration;
using Akka.Streams;
using Akka.Streams.Dsl;
using RnnStream.Actors.Pipeline;
using RnnStream.Actors.Protocol;
using RnnStream.Actors.Series;
using RnnStream.Feeds.Records;
using Xunit;

namespace RnnStream.Actors.Tests.Pipeline;

/// <summary>
/// Two actor systems in this process form a real cluster on 127.0.0.1, each hosting a shard region
/// of key groups (as `rnnstream node` does). The stream on one reaches them as sharded entities:
/// each is restored first (a fresh start here), batches to the other member cross a socket through
/// the protocol's serializer, and the predictions are exactly those of key groups in the stream's
/// own process. The fast counterpart of the process tests in the host's Cluster folder.
/// </summary>
public sealed class ShardedKeyGroupsSpec() : Akka.TestKit.Xunit2.TestKit(ClusterConfig.WithFallback(PipelineConfig.Config))
{
    private static readonly Config ClusterConfig = ConfigurationFactory.ParseString("""
        akka.loglevel = WARNING
        akka.actor.provider = cluster
        akka.remote.dot-netty.tcp { hostname = 127.0.0.1, port = 0 }
        akka.cluster.sharding.state-store-mode = ddata
        """);

    private static readonly string[] Series = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa"];

    [Fact]
    public async Task Key_groups_sharded_over_two_members_forecast_exactly_what_local_ones_do()
    {
        var ticks = Ticks.Interleaved(Series, 40).ToList();
        var here = new Harness(Sys);
        var local = await Run(here.Router(), ticks);

        using var other = ActorSystem.Create(Sys.Name, ClusterConfig.WithFallback(PipelineConfig.Config));
        try
        {
            var there = new Harness(other);
            Akka.Cluster.Cluster.Get(Sys).Join(Akka.Cluster.Cluster.Get(Sys).SelfAddress);
            Akka.Cluster.Cluster.Get(other).Join(Akka.Cluster.Cluster.Get(Sys).SelfAddress);
            AwaitCondition(() => new[] { Sys, other }.All(s => Akka.Cluster.Cluster.Get(s).State.Members.Count(m => m.Status == MemberStatus.Up) == 2), TimeSpan.FromSeconds(30));

            var region = StartRegion(Sys, here);
            StartRegion(other, there);
            AwaitAssert(() => Assert.Equal(2, region.Ask<CurrentRegions>(GetCurrentRegions.Instance, TimeSpan.FromSeconds(5)).Result.Regions.Count), TimeSpan.FromSeconds(30));

            var sharded = new SeriesRouter(KeyGroups.Sharded(region, here.RouterSettings.Partitions), here.RouterSettings) { RestoreFrom = 0 };
            var crossed = await Run(sharded, ticks);

            Assert.Equal(RemoteKeyGroupsSpec.Rows(local), RemoteKeyGroupsSpec.Rows(crossed));
            var stats = await region.Ask<ClusterShardingStats>(new GetClusterShardingStats(TimeSpan.FromSeconds(5)), TimeSpan.FromSeconds(10));
            Assert.Equal(2, stats.Regions.Count);
            Assert.All(stats.Regions.Values, r => Assert.NotEmpty(r.Stats));

            // Asked through the region, wherever its key group runs (half of them on the other member), each series says how it stands:
            // its last tick and exactly the forecast it published after it.
            var keyGroups = KeyGroups.Sharded(region, here.RouterSettings.Partitions);
            var extractor = new SeriesMessageExtractor(keyGroups.Count);
            foreach (string id in Series)
            {
                var status = Assert.IsType<SeriesStatus>(await keyGroups.Ask(extractor.Partition(id), new SeriesQuery(id), TimeSpan.FromSeconds(10)));
                var last = crossed.Last(p => p.SeriesId == id);
                Assert.Equal(40, status.Ticks);
                Assert.Equal(last.Predicted.ToArray(), status.Predicted);
                Assert.Equal(last.Lower.ToArray(), status.Lower);
                Assert.Equal(last.Upper.ToArray(), status.Upper);
                Assert.Equal(last.Forecaster, status.Forecaster);
                Assert.Equal(last.TargetTime, status.TargetTime);
            }
            Assert.IsType<SeriesUnknown>(await keyGroups.Ask(extractor.Partition("omega"), new SeriesQuery("omega"), TimeSpan.FromSeconds(10)));
        }
        finally
        {
            await other.Terminate();
        }
    }

    /// <summary>A member's region of key groups, sharing that member's registry and replay buffer, as a node's are.</summary>
    private static IActorRef StartRegion(ActorSystem system, Harness harness) => ClusterSharding.Get(system).Start("key-groups",
        entityId => SeriesPartition.Props(harness.Context, index: KeyGroupExtractor.KeyGroupOf(entityId), mustRestore: true),
        ClusterShardingSettings.Create(system), new KeyGroupExtractor());

    private async Task<IReadOnlyList<Prediction>> Run(SeriesRouter router, List<Tick> ticks) =>
        await Source.From(ticks).Via(SeriesRouter.OnePerPrediction(router)).RunWith(Sink.Seq<Prediction>(), Sys.Materializer());
}
