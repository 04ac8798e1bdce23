using Akka.Cluster.Hosting;
using Akka.Cluster.Hosting.SBR;
using Akka.Hosting;
using Akka.Remote.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RnnStream.Actors.Pipeline;
using RnnStream.Actors.Protocol;
using RnnStream.Actors.Series;
using RnnStream.Actors.Training;
using RnnStream.Host.Configuration;
using RnnStream.Host.Running;
using Spectre.Console;

namespace RnnStream.Host.Cluster;

/// <summary>
/// One node of an RnnStream cluster, on the Generic Host with Akka.Hosting: remoting on its port,
/// cluster membership through the seeds (keep-majority split-brain resolver), a shard region
/// hosting its share of the key groups, and the run coordinator as a cluster singleton on the
/// oldest node. SIGTERM and Ctrl+C stop the host, whose CoordinatedShutdown leaves the cluster.
/// </summary>
internal static class NodeCommand
{
    public const string SystemName = "rnnstream";

    public static async Task<int> ExecuteAsync(Deployment deployment, string host, int port, IReadOnlyList<string> seeds, int minNodes, IAnsiConsole console)
    {
        if (deployment.DataDirectory is not null && deployment.PersistenceProvider != "postgresql")
            throw new ArgumentException("the nodes of a cluster share one store: with persistence.data-dir set, persistence.provider must be postgresql " +
                "(with persistence.connection-string); SQLite is the store of a single `run`");
        var layout = FeedLayout.Of(deployment);
        if (!layout.IsKnown) throw new ArgumentException("every node needs the feed's layout: a file feed's header, or feed.features (and feed.columns for CSV)");
        var series = deployment.Series(layout.Features, layout.Targets);
        var spec = deployment.Spec(layout.Features.Count, layout.Targets.Count);
        // Every node builds the same initial weights from the deployment's seed (or weights file), so a key group forecasts alike wherever it runs.
        var context = new SeriesContext(new SeriesForecaster(series), new ModelRegistry(DeploymentPipeline.InitialWeights(deployment, spec)),
            new ReplayBuffer(deployment.ReplayCapacity));
        var router = deployment.Router;
        var node = new RnnStreamNode(deployment, console, minNodes, context, ModelAgreement.Describe(spec, series, router.Partitions));

        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        // A leaving node waits for the run to drain to a checkpoint before its CoordinatedShutdown goes on.
        builder.Services.Configure<HostOptions>(options => options.ShutdownTimeout = GracefulLeave.Patience + TimeSpan.FromMinutes(1));
        builder.Services.AddAkka(SystemName, akka => akka
            // Key groups stay where they were placed when the run started: moving one would drop its live state (hand-off comes with checkpoints on a cluster).
            // A batch of answers is at most router.max-in-flight predictions (about 1.6 MB at the default 8,192): frames are sized to carry any.
            // A lost node is downed (keep-majority) once the partition has been stable for cluster.stable-after; only then can its key groups start elsewhere.
            .AddHocon(Akka.Configuration.ConfigurationFactory.ParseString("akka.loglevel = WARNING\nakka.stdout-loglevel = WARNING\nakka.cluster.sharding.rebalance-interval = 3650d\n" +
                    $"akka.cluster.split-brain-resolver.stable-after = {deployment.ClusterStableAfter.TotalMilliseconds:F0}ms\n" +
                    GracefulLeave.Hocon + "\n" +
                    "akka.remote.dot-netty.tcp { maximum-frame-size = 16MiB, send-buffer-size = 16MiB, receive-buffer-size = 16MiB }")
                .WithFallback(PipelineConfig.Config).WithFallback(Actors.Persistence.PersistenceConfig.RecordSerialization)
                .WithFallback(deployment.DataDirectory is null ? Akka.Configuration.Config.Empty
                    : Actors.Persistence.PersistenceConfig.For(deployment.DataDirectory, deployment.PersistenceProvider, deployment.PersistenceConnectionString)), HoconAddMode.Prepend)
            .WithRemoting(host, port)
            .WithClustering(new ClusterOptions
            {
                SeedNodes = seeds.Select(seed => $"akka.tcp://{SystemName}@{seed}").ToArray(),
                MinimumNumberOfMembers = minNodes,
                SplitBrainResolver = new KeepMajorityOption(),
            })
            .WithShardRegion<KeyGroupRegion>("key-groups",
                entityId => SeriesPartition.Props(context, router.IdleTimeout, router.PassivationScan, KeyGroupExtractor.KeyGroupOf(entityId), mustRestore: true),
                new KeyGroupExtractor(), new ShardOptions { StateStoreMode = Akka.Cluster.Sharding.StateStoreMode.DData })
            .WithActors((system, _) =>
            {
                system.ActorOf(NodeControl.Props(node), NodeControl.Name);
                GracefulLeave.Register(system, node);
            })
            .WithSingleton<RunCoordinator>("run-coordinator", RunCoordinator.Props(node), new ClusterSingletonOptions(), createProxyToo: false));
        using var app = builder.Build();
        console.MarkupLine($"rnnstream node {host}:{port}: joining {string.Join(", ", seeds)} (waiting for {minNodes} node{(minNodes == 1 ? "" : "s")})");
        await using var service = await Http.LiveService.StartAsync(deployment, node.Service = new Http.ServiceState());
        if (service is not null) console.MarkupLine($"live service: {Markup.Escape(service.Address.ToString())} (/metrics, /health, /series/ID)");
        try
        {
            await app.RunAsync();
        }
        catch (Exception e) when (BindFailure(e) is { } socket)
        {
            throw new ResourceInUseException($"the node cannot listen on {host}:{port}: {socket.Message} (another process holds the port, or the address is not this machine's; --host, --port)");
        }
        return node.Failed ? 1 : 0;
    }

    /// <summary>Remoting's failure to bind, somewhere down the hosting's chain of wrapped exceptions.</summary>
    private static System.Net.Sockets.SocketException? BindFailure(Exception? error)
    {
        for (; error is not null; error = error.InnerException)
            if (error is System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.AddressAlreadyInUse or System.Net.Sockets.SocketError.AddressNotAvailable } socket)
                return socket;
        return null;
    }
}
