using Akka.Actor;
using Akka.Event;
using Akka.Streams;
using Akka.Streams.Dsl;
using RnnStream.Actors.Pipeline;
using RnnStream.Feeds.Parsing;
using RnnStream.Feeds.Records;
using RnnStream.Feeds.Sinks;
using RnnStream.Feeds.Sources;
using RnnStream.Host.Configuration;
using RnnStream.Host.Running;

namespace RnnStream.Host.Embedding;

/// <summary>
/// Owns an embedded pipeline: started with the actor, drained when it stops (CoordinatedShutdown
/// stops it with the system). The hubs in front of and behind the pipeline are its endpoint.
/// </summary>
public sealed class RnnStreamGateway : ReceiveActor
{
    private readonly Deployment _deployment;
    private RunHandle? _run;
    private RnnStreamEndpoint? _endpoint;
    private Exception? _failure;

    public RnnStreamGateway(RnnStreamDeployment deployment)
    {
        _deployment = deployment.Deployment;
        // A deployment that cannot start is answered, not left to time out.
        Receive<Connect>(_ => Sender.Tell(_endpoint is null ? new Status.Failure(_failure!) : _endpoint));
    }

    public static Props Props(RnnStreamDeployment deployment) => Akka.Actor.Props.Create(() => new RnnStreamGateway(deployment));

    /// <summary>Asks for the endpoint.</summary>
    public sealed class Connect
    {
        public static readonly Connect Instance = new();
    }

    protected override void PreStart()
    {
        try
        {
            Start();
        }
        catch (Exception e) when (e is ArgumentException or InvalidDataException or IOException)
        {
            _failure = e;
            Context.GetLogger().Error(e, "rnnstream could not start: {0}", e.Message);
        }
    }

    private void Start()
    {
        if (_deployment.DataDirectory is not null)
            throw new ArgumentException("an embedded RnnStream keeps no durable state yet: leave persistence.data-dir empty");
        var layout = FeedLayout.Of(_deployment);
        if (!layout.IsKnown) throw new ArgumentException("an embedded feed needs its layout in the deployment: feed.features and feed.targets (and feed.columns for CSV lines)");
        var materializer = Context.System.Materializer();

        var (lines, arriving) = MergeHub.Source<string>(perProducerBufferSize: 16).PreMaterialize(materializer);
        long offset = 0;
        var runs = new LineRunPool();
        // Lines gather into runs only while the parser is busy, as a socket's do.
        var records = arriving
            .Batch(LineRun.GatherLimit, text =>
            {
                var run = runs.Rent();
                run.Add(text);
                return run;
            }, (run, text) =>
            {
                run.Add(text);
                return run;
            })
            .Select(run =>
            {
                run.FirstOffset = offset;
                offset += run.Count;
                return run;
            })
            .Via(ParsingFlow.Batched(layout.Parser));
        var feed = new OpenedFeed(records, layout.Features, layout.Targets, "embedded") { Clock = layout.Parser };

        var (predictions, predictionsIn) = BroadcastHub.Sink<Prediction>(bufferSize: 256).PreMaterialize(materializer);
        var (rejects, rejectsIn) = BroadcastHub.Sink<Rejected>(bufferSize: 256).PreMaterialize(materializer);
        var spec = _deployment.Spec(feed.Features.Count, feed.Targets.Count);
        _run = LivePipeline.Run(Context.System, feed.Batches, DeploymentPipeline.InitialWeights(_deployment, spec),
            DeploymentPipeline.Settings(_deployment, feed, replayableFeed: false).Settings,
            Unbatched.Into(Flow.Create<Prediction>().WatchTermination(Keep.Right).To(predictionsIn).MapMaterializedValue(done => (Task)done)),
            // Unread rejects must not hold up forecasts: past the buffer the oldest go.
            Flow.Create<Rejected>().Buffer(1024, OverflowStrategy.DropHead).WatchTermination(Keep.Right).To(rejectsIn).MapMaterializedValue(done => (Task)done),
            materializer);
        _endpoint = new RnnStreamEndpoint(lines, predictions, rejects);
    }

    protected override void PostStop() => _run?.Drain();
}
