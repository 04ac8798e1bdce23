using Akka.Actor;
using Akka.Streams;
using Akka.Streams.Dsl;
using RnnStream.Feeds.Sources;
using Spectre.Console;

namespace RnnStream.Host.Cluster;

/// <summary>
/// The TCP listener of a node that does not coordinate the run. Its clients connect here as they
/// would to the coordinating node; their lines go, as they arrive (batched only while the
/// coordinating node's stream is busy), to that node's stream, which gives them feed positions
/// among its own clients' lines, batches them per key group into the shard region, and acks and
/// answers each client on its own connection here. One stream giving every line its position
/// keeps one checkpoint cut for the whole cluster: a rollback rewinds nothing it cannot name, and
/// an ack means the same on every node. Every attempt of the run listens afresh: a rollback
/// closes the connections, and the clients resend what was not acked.
/// </summary>
internal sealed class NodeTcpIngress(ActorSystem system, RnnStreamNode node)
{
    /// <summary>A batch of runs holds at most this many lines (about 100 kB of JSON lines at most), or a single run that has more.</summary>
    private const int LinesPerBatch = 512;

    private readonly SemaphoreSlim _oneAtATime = new(1, 1);
    private (UniqueKillSwitch Stop, Task Ended)? _listening;

    /// <summary>Stops listening for the last attempt's coordinator and listens for <paramref name="coordinator"/>'s.</summary>
    public async Task ListenForAsync(Address coordinator)
    {
        await _oneAtATime.WaitAsync();
        try
        {
            await StopAsync();
            var control = system.ActorSelection(new RootActorPath(coordinator) / "user" / NodeControl.Name);
            if (await control.Ask<object>(NodeControl.TcpIngress, TimeSpan.FromSeconds(30)) is not ISinkRef<TcpArrivals> coordinating)
            {
                node.Console.MarkupLine($"[red]rnnstream: the coordinating node {coordinator} takes no lines from other nodes; this node does not listen[/]");
                return;
            }
            var settings = node.Deployment.TcpFeed;
            var ((binding, stop), ended) = TcpLineFeed.Connections(system, settings, node.Deployment.TcpCounters,
                    node.Deployment.TcpFeed.PredictionsBack, node.Deployment.TcpClientsAcked)
                // Runs cross the network and come back to no pool here: the collector takes them.
                .BatchWeighted(LinesPerBatch, run => Math.Max(1, run.Count), run => new List<LineRun> { run }, (batch, run) =>
                {
                    batch.Add(run);
                    return batch;
                })
                .Select(batch => new TcpArrivals(batch))
                .ViaMaterialized(KillSwitches.Single<TcpArrivals>(), Keep.Both)
                .WatchTermination(Keep.Both)
                .To(coordinating.Sink)
                .Run(system.Materializer());
            _listening = (stop, ended);
            var bound = await binding;
            node.Console.MarkupLine($"tcp feed listening on {Markup.Escape(bound.LocalAddress.ToString() ?? "")} (its lines join the stream of the coordinating node {coordinator})");
        }
        catch (Exception e)
        {
            node.Console.MarkupLine($"[red]rnnstream: this node's tcp feed does not listen: {Markup.Escape(e.GetBaseException().Message)}[/]");
        }
        finally
        {
            _oneAtATime.Release();
        }
    }

    /// <summary>The last attempt's listener, closed with its connections, its port given back.</summary>
    private async Task StopAsync()
    {
        if (_listening is not { } listening) return;
        _listening = null;
        listening.Stop.Shutdown();
        try
        {
            await listening.Ended.WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (Exception)
        {
            // It ended with the last attempt's stream, which is what stopping it wanted.
        }
    }
}
