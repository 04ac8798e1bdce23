using Akka.Streams;
using Akka.Streams.Stage;
using RnnStream.Feeds.Records;

namespace RnnStream.Feeds.Sinks;

/// <summary>
/// The end of a stream of predictions that writes them nowhere (output "none", the bench): it gives
/// each back to its pool. One stage of its own, as cheap as <c>Sink.Ignore</c>: <c>Sink.ForEach</c>
/// would add a stage per element to the fused stream.
/// </summary>
public static class ReleasingSink
{
    public static Akka.Streams.Dsl.Sink<Prediction, Task> Create() => Akka.Streams.Dsl.Sink.FromGraph(new Stage());

    private sealed class Stage : GraphStageWithMaterializedValue<SinkShape<Prediction>, Task>
    {
        private readonly Inlet<Prediction> _in = new("releasing.in");
        public override SinkShape<Prediction> Shape => new(_in);

        public override ILogicAndMaterializedValue<Task> CreateLogicAndMaterializedValue(Attributes inheritedAttributes)
        {
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return new LogicAndMaterializedValue<Task>(new Logic(this, done), done.Task);
        }

        private sealed class Logic : InGraphStageLogic
        {
            private readonly Inlet<Prediction> _in;
            private readonly TaskCompletionSource _done;

            public Logic(Stage stage, TaskCompletionSource done) : base(stage.Shape)
            {
                _in = stage._in;
                _done = done;
                SetHandler(_in, this);
            }

            public override void PreStart() => Pull(_in);

            public override void OnPush()
            {
                Grab(_in).Release();
                Pull(_in);
            }

            public override void OnUpstreamFinish()
            {
                _done.TrySetResult();
                CompleteStage();
            }

            public override void OnUpstreamFailure(Exception e)
            {
                _done.TrySetException(e);
                FailStage(e);
            }

            public override void PostStop() => _done.TrySetException(new AbruptStageTerminationException(this));
        }
    }
}
