using Akka;
using Akka.Streams;
using Akka.Streams.Dsl;
using Akka.Streams.Stage;
using Akka.Streams.TestKit;
using RnnStream.Actors.Pipeline;
using Xunit;

namespace RnnStream.Actors.Tests.Pipeline;

/// <summary>
/// The router's inbox wakes the stage with <see cref="StageWakeUp"/>, which leans on how Akka's
/// interpreter is built. On the Akka this project pins it must exist, and each wake-up, from any
/// thread and however often, must run its handler on the stage as Akka's own callback would.
/// </summary>
public sealed class StageWakeUpSpec : Akka.TestKit.Xunit2.TestKit
{
    [Fact]
    public async Task A_wake_up_from_another_thread_runs_the_handler_on_the_stage_each_time()
    {
        var stage = new WakeableSource();
        var sink = Source.FromGraph(stage).RunWith(this.SinkProbe<int>(), Sys.Materializer());
        sink.Request(3);
        var wakeUp = await stage.WakeUp.Task.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.NotNull(wakeUp);
        for (int i = 0; i < 3; i++)
        {
            await Task.Run(wakeUp!);
            // Push is only allowed on the stage: the element arrives only if the handler ran there.
            Assert.Equal(i + 1, sink.ExpectNext());
        }
    }

    /// <summary>Hands out its wake-up at the first pull; each wake-up pushes the next number.</summary>
    private sealed class WakeableSource : GraphStage<SourceShape<int>>
    {
        private readonly Outlet<int> _out = new("wakeable.out");
        public TaskCompletionSource<Action?> WakeUp { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override SourceShape<int> Shape => new(_out);

        protected override GraphStageLogic CreateLogic(Attributes inheritedAttributes) => new Logic(this);

        private sealed class Logic : GraphStageLogic
        {
            private int _next;

            public Logic(WakeableSource stage) : base(stage.Shape)
            {
                SetHandler(stage._out, onPull: () =>
                {
                    if (!stage.WakeUp.Task.IsCompleted)
                        stage.WakeUp.SetResult(StageWakeUp.Of(this, () => Push(stage._out, ++_next)));
                });
            }
        }
    }
}
