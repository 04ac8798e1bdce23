using Akka;
using Akka.Streams;
using Akka.Streams.Dsl;
using Akka.Streams.Stage;
using RnnStream.Feeds.Records;

namespace RnnStream.Feeds.Sources;

/// <summary>
/// Replays ticks at the pace their timestamps say, sped up by a factor: a gap of one hour in event
/// time at speed 3600 becomes one second. Uses the materializer's scheduler, so tests drive it
/// with virtual time. Rejected records carry no event time and pass straight through.
/// </summary>
public static class EventTimePacing
{
    public static Flow<FeedRecord, FeedRecord, NotUsed> Create(double speed)
    {
        if (!(speed > 0)) throw new ArgumentOutOfRangeException(nameof(speed), speed, "pacing speed must be positive");
        return Flow.FromGraph(new PacingStage(speed));
    }

    private sealed class PacingStage(double speed) : GraphStage<FlowShape<FeedRecord, FeedRecord>>
    {
        private readonly Inlet<FeedRecord> _in = new("pacing.in");
        private readonly Outlet<FeedRecord> _out = new("pacing.out");
        public double Speed { get; } = speed;

        public override FlowShape<FeedRecord, FeedRecord> Shape => new(_in, _out);

        protected override GraphStageLogic CreateLogic(Attributes inheritedAttributes) => new Logic(this);

        private sealed class Logic : TimerGraphStageLogic
        {
            private readonly PacingStage _stage;
            private DateTime? _firstEvent;
            private DateTimeOffset _firstWall;
            private FeedRecord? _waiting;

            public Logic(PacingStage stage) : base(stage.Shape)
            {
                _stage = stage;
                SetHandler(stage._in, onPush: OnPush, onUpstreamFinish: () => { if (_waiting is null) CompleteStage(); });
                SetHandler(stage._out, onPull: () => Pull(stage._in));
            }

            private DateTimeOffset Now => ((ActorMaterializer)Materializer).System.Scheduler.Now;

            private void OnPush()
            {
                var record = Grab(_stage._in);
                if (record is not Tick tick)
                {
                    Push(_stage._out, record);
                    return;
                }
                if (_firstEvent is null)
                {
                    _firstEvent = tick.Timestamp;
                    _firstWall = Now;
                }
                var due = _firstWall + TimeSpan.FromTicks((long)((tick.Timestamp - _firstEvent.Value).Ticks / _stage.Speed));
                var delay = due - Now;
                if (delay <= TimeSpan.Zero) Push(_stage._out, tick);
                else
                {
                    _waiting = tick;
                    ScheduleOnce("due", delay);
                }
            }

            protected override void OnTimer(object timerKey)
            {
                var tick = _waiting!;
                _waiting = null;
                Push(_stage._out, tick);
                if (IsClosed(_stage._in)) CompleteStage();
            }
        }
    }
}
