using System.Diagnostics;
using Akka;
using Akka.Actor;
using Akka.Event;
using Akka.Streams;
using Akka.Streams.Dsl;
using Akka.Streams.Stage;
using RnnStream.Actors.Protocol;
using RnnStream.Actors.Diagnostics;
using RnnStream.Actors.Series;
using RnnStream.Actors.Training;
using RnnStream.Feeds.Records;
using RnnStream.Feeds.Sinks;

namespace RnnStream.Actors.Pipeline;

/// <summary>
/// The stream's door to the series actors: ticks in (the feed's <see cref="RecordBatch"/>es, whose
/// rejects it passes by), predictions out (each key group's answer as one <see cref="PredictionBatch"/>),
/// with backpressure end to end. It takes a batch's ticks one by one, as if each had come alone: it
/// may stop in the middle of a batch (the bound on ticks in flight, a checkpoint, a retrain) and
/// goes on from there, and asks for the next batch only when this one is through.
/// <list type="bullet">
/// <item>Each tick goes to the partition actor that owns its series, in batches
/// (<see cref="KeyGroupBatches"/>: at most one at work per partition, the next gathering meanwhile;
/// one message, one wake-up for hundreds of ticks under load). Answers come back through the
/// stage's <see cref="AnswerInbox"/> from key groups on this node, and as messages to the stage's
/// own actor from any other, so a key group may live on any node; a key group that fails or stops
/// fails the stage with its reason.
/// No ask per tick, no temporary actors, no timeouts that could stop the graph.</item>
/// <item>At most <see cref="RouterSettings.MaxInFlight"/> ticks are between the stage's inlet and
/// what follows its outlet having taken their predictions (it pulls again); beyond that it stops
/// pulling, so a slow sink slows the source and memory stays flat.</item>
/// <item>Retraining: in replay mode the stage holds the tick at which a retrain is due, waits until
/// every earlier tick has been forecast, retrains, and only then lets the tick through, so every
/// series sees the new version at the same point of the feed; in live mode it never waits.</item>
/// <item>Checkpoints: every so many ticks or seconds, and when the stream ends, the stage holds the next tick
/// until nothing is in flight and hands the cut (the next tick's offset, the predictions written)
/// to <see cref="RouterCheckpoints.Take"/>, which must tell the partitions before its task completes; the
/// tick then goes on. The stall lasts one drain of the in-flight ticks (and, on a cluster, one
/// gathering of the nodes' training windows).</item>
/// <item>Restoring: when <see cref="RestoreFrom"/> is set, every key group first returns to that
/// checkpoint (wherever it runs) and the first tick is pulled only once all have said so.</item>
/// </list>
/// </summary>
public sealed class SeriesRouter : GraphStage<FlowShape<RecordBatch, PredictionBatch>>
{
    private readonly Inlet<RecordBatch> _in = new("series-router.in");
    private readonly Outlet<PredictionBatch> _out = new("series-router.out");

    /// <param name="retrains">When and how to retrain; null: never.</param>
    /// <param name="checkpoints">When and how to take checkpoints; null: never.</param>
    public SeriesRouter(IReadOnlyList<IActorRef> partitions, RouterSettings settings,
        RouterRetrains? retrains = null, RouterCheckpoints? checkpoints = null)
        : this(KeyGroups.Local(partitions), settings, retrains, checkpoints)
    {
    }

    public SeriesRouter(KeyGroups keyGroups, RouterSettings settings, RouterRetrains? retrains = null, RouterCheckpoints? checkpoints = null)
    {
        Partitions = keyGroups;
        Settings = settings;
        Retrains = retrains;
        Checkpoints = checkpoints;
    }

    public KeyGroups Partitions { get; }
    public RouterSettings Settings { get; }
    public RouterRetrains? Retrains { get; }
    public RetrainSchedule? Schedule => Retrains?.Schedule;
    public RouterCheckpoints? Checkpoints { get; }

    /// <summary>Sees every prediction as the stage emits it, on the stream's thread (metrics), with the Stopwatch timestamp of its batch's delivery.</summary>
    public Action<Prediction, long>? OnDeliver { get; init; }

    /// <summary>Where the stage reports how many ticks are in flight (read by the run's gauges); null: nowhere.</summary>
    public Metrics.InFlightGauge? InFlight { get; init; }

    /// <summary>The checkpoint every key group returns to before the first tick (0: a fresh start, each drops what it holds); null: they start as they are.</summary>
    public long? RestoreFrom { get; init; }

    /// <summary>Runs once every key group is restored, before the first tick (a cluster resets its nodes' weights and windows there, when no batch of an earlier run can reach them any more).</summary>
    public Func<Task>? AfterRestore { get; init; }

    /// <summary>
    /// The feed position of the last record set aside before the stage (−1: none), so a quiet feed's
    /// checkpoint covers lines that were rejected after its last tick too (their clients are acked).
    /// </summary>
    public Func<long> LastRejectedOffset { get; init; } = static () => -1;

    /// <summary>The weights version ticks sent now must be forecast with (the stream's registry); 0 when the key groups share the stream's registry anyway.</summary>
    public Func<long> WeightsVersion { get; init; } = static () => 0;

    public override FlowShape<RecordBatch, PredictionBatch> Shape => new(_in, _out);

    /// <summary>The stage: a key group's answer leaves as one element, its failed predictions included.</summary>
    public static Flow<RecordBatch, PredictionBatch, NotUsed> Create(SeriesRouter stage) => Flow.FromGraph(stage);

    /// <summary>The stage a tick and a prediction at a time, each tick a batch of its own, for those that hand them in and take them one by one (a test's probes).</summary>
    public static Flow<Tick, Prediction, NotUsed> OnePerPrediction(SeriesRouter stage) =>
        Flow.Create<Tick>().Select(tick => RecordBatch.Of(tick)).Via(Create(stage)).Via(Unbatched.Predictions);

    protected override GraphStageLogic CreateLogic(Attributes inheritedAttributes) => new Logic(this);

    private sealed class Logic : TimerGraphStageLogic
    {
        private const string RetrainTimer = "retrain";
        private const string CheckpointTimer = "checkpoint";
        private bool _checkpointDue;

        /// <summary>An overlapped retrain whose candidate has not taken effect yet, and the count of dispatched ticks at which it does.</summary>
        private Task<RetrainOutcome>? _pending;
        private long _takesEffectAt;
        private long _dispatched;
        private bool _heldForSwap;
        private Action<Task> _windowsTaken = _ => { };
        private Action<Task<RetrainOutcome>> _pendingDone = _ => { };
        private bool _pushedSinceTimer;
        private readonly SeriesRouter _stage;
        private readonly SeriesMessageExtractor _extractor;
        private KeyGroupBatches _batches = null!;
        private AnswerInbox _inbox = null!;
        private bool _ringsDirectly;
        private Action<KeyGroupAnswers> _takeAnswers = null!;
        private readonly bool _replay;
        private StageActor _self = null!;
        private Action<Task<RetrainOutcome>> _retrainDone = _ => { };
        private int _inFlight;

        /// <summary>Predictions of the batch pushed last, in flight until the outlet is pulled again, that is until what follows has taken the batch.</summary>
        private int _pushedNotTaken;

        /// <summary>The feed's batch being taken in, and the index of its next record; null when the next is to be pulled.</summary>
        private RecordBatch? _batch;
        private int _next;
        private bool _advancing;
        private Tick? _held;
        private DateTime? _heldCutoff;
        private bool _retraining;
        private bool _upstreamDone;
        private bool _heldForCheckpoint;
        private bool _checkpointing;
        private int _restoring;
        private Action<Task> _checkpointTaken = _ => { };
        private Action<Task> _afterRestoreDone = _ => { };
        private long _sinceCheckpoint;
        private long _written;
        private long _lastOffset = -1;
        private int _ticksAtLastOffset;

        /// <summary>The feed position the last checkpoint resumes at: records before it are covered.</summary>
        private long _lastCut;

        public Logic(SeriesRouter stage) : base(stage.Shape)
        {
            _stage = stage;
            _takeAnswers = answers => _batches.Answered(answers);
            _replay = stage.Schedule?.Mode != RetrainMode.Live;
            _extractor = new SeriesMessageExtractor(stage.Partitions.Count);
            _written = stage.Checkpoints?.InitialWritten ?? 0;
            SetHandler(stage._in, onPush: OnPush, onUpstreamFinish: () =>
            {
                _upstreamDone = true;
                CompleteIfDone();
            });
            SetHandler(stage._out, onPull: () =>
            {
                RingWithoutAllocating();
                _inbox.StartWork();
                // Only now is the batch written (the sinks write as they take it), so only now may a checkpoint's cut or the end of the run come after it.
                _inFlight -= _pushedNotTaken;
                _pushedNotTaken = 0;
                _stage.InFlight?.Set(_inFlight);
                Deliver();
                TakeAnswersThenRest();
            });
        }

        public override void PreStart()
        {
            _retrainDone = GetAsyncCallback<Task<RetrainOutcome>>(OnRetrainDone);
            _checkpointTaken = GetAsyncCallback<Task>(OnCheckpointTaken);
            _windowsTaken = GetAsyncCallback<Task>(_ => OnWindowsTaken());
            _pendingDone = GetAsyncCallback<Task<RetrainOutcome>>(_ =>
            {
                TryStartBarrier();
                CompleteIfDone();
            });
            _afterRestoreDone = GetAsyncCallback<Task>(done =>
            {
                if (done.IsFaulted) FailStage(done.Exception!.GetBaseException());
                _restoring = 0;
                Advance();
            });
            _self = GetStageActor(OnStageMessage);
            _inbox = new AnswerInbox(GetAsyncCallback(OnAnswersWaiting));
            _batches = new KeyGroupBatches(_stage.Partitions, _self.Ref, _stage.WeightsVersion, _inbox);
            // A key group that stops without a word (killed, or failed while starting) must not leave the stream waiting.
            foreach (var watched in _stage.Partitions.Watched) _self.Watch(watched);
            for (int keyGroup = 0; keyGroup < _stage.Partitions.Count; keyGroup++) _stage.Partitions.Tell(keyGroup, AnswerTo.Instance, _self.Ref);
            if (_stage.RestoreFrom is { } number)
            {
                _restoring = _stage.Partitions.Count;
                for (int keyGroup = 0; keyGroup < _stage.Partitions.Count; keyGroup++) _stage.Partitions.Tell(keyGroup, new RestoreKeyGroup(number), _self.Ref);
            }
            if (_stage.Schedule is { Mode: RetrainMode.Live, EveryWallClock: { } period }) ScheduleRepeatedly(RetrainTimer, period);
            if (_stage.Checkpoints is { Interval: { } interval }) ScheduleRepeatedly(CheckpointTimer, interval);
            Advance();
        }

        private void OnPush()
        {
            RingWithoutAllocating();
            _inbox.StartWork();
            _batch = Grab(_stage._in);
            _next = 0;
            _pushedSinceTimer = true;
            Advance();
            TakeAnswersThenRest();
        }

        private bool BatchUnfinished => _batch is { } batch && _next < batch.Count;

        /// <summary>
        /// The batch's ticks in, one by one, as long as each may go (none held, the bound on ticks in
        /// flight not reached, no quiet feed's checkpoint under way, whose cut is before them), then
        /// the next batch asked for. Whatever lets a tick go again comes back here. Not re-entered:
        /// a tick that goes on calls back here, and the loop already stands at the next.
        /// </summary>
        private void Advance()
        {
            if (_advancing) return;
            _advancing = true;
            try
            {
                while (_batch is { } batch && _held is null && !_checkpointing && _restoring == 0 && _inFlight < _stage.Settings.MaxInFlight)
                {
                    if (_next == batch.Count)
                    {
                        _batch = null;
                        // Every tick of it has gone to its key group: a pooled batch goes back once they are answered.
                        batch.Passed();
                        break;
                    }
                    if (batch[_next++] is not Tick tick) continue;
                    if (CrashPoints.IsArmed) CrashPoints.Reach(CrashPoints.Tick);
                    Admit(tick);
                }
            }
            finally
            {
                _advancing = false;
            }
            // Every tick dispatched is followed by a pass here (a nested call returns early, and the pass it is in ends here).
            _batches.SendGathered();
            if (!_upstreamDone && !BatchUnfinished && _held is null && _restoring == 0 && _inFlight < _stage.Settings.MaxInFlight && !HasBeenPulled(_stage._in) && !IsClosed(_stage._in))
                Pull(_stage._in);
        }

        /// <summary>A tick in: held for a checkpoint that is due before it, or on to its key group.</summary>
        private void Admit(Tick tick)
        {
            // Only between feed records: one record (a wide row) can carry ticks of many series, and a
            // cut is a feed offset, so all of a record's ticks fall on the same side of it.
            // Not while a retrain runs beside the stream: a checkpoint holds no retrain in flight, so none may fall between a cut and its candidate.
            if (_stage.Checkpoints is { } checkpoints && _sinceCheckpoint > 0 && tick.Offset != _lastOffset && _pending is null
                && (_checkpointDue || checkpoints.EveryTicks > 0 && _sinceCheckpoint >= checkpoints.EveryTicks))
            {
                _held = tick;
                _heldForCheckpoint = true;
                TryStartBarrier();
                return;
            }
            Route(tick);
        }

        /// <summary>On to its partition, unless a retrain is due first.</summary>
        private void Route(Tick tick)
        {
            if (_pending is not null && _dispatched >= _takesEffectAt)
            {
                // The point where the overlapped retrain's candidate takes effect: every tick before it forecast with the weights it replaces.
                _held = tick;
                _heldForSwap = true;
                TryStartBarrier();
                return;
            }
            if (_stage.Schedule is { } schedule && schedule.IsDueBefore(tick, out var cutoff))
            {
                if (_replay)
                {
                    _held = tick;
                    _heldCutoff = cutoff;
                    TryStartBarrier();
                    return;
                }
                StartRetrain(cutoff);
            }
            Dispatch(tick);
            Advance();
        }

        private void Dispatch(Tick tick)
        {
            _dispatched++;
            _inFlight++;
            _stage.InFlight?.Set(_inFlight);
            _sinceCheckpoint++;
            _ticksAtLastOffset = tick.Offset == _lastOffset ? _ticksAtLastOffset + 1 : 1;
            _lastOffset = tick.Offset;
            int partition = _extractor.Partition(tick.SeriesId);
            if (tick.Home is { } home)
            {
                if (_batches.SharesMemory(partition)) home.Dispatched();
                else home.SentAway();
            }
            _batches.Add(partition, tick);
        }

        /// <summary>
        /// From the first time the stage runs, the inbox rings it with <see cref="StageWakeUp"/>,
        /// which allocates nothing; before that (the interpreter is known only while it runs a stage,
        /// not in <see cref="PreStart"/>) it rings with the async callback.
        /// </summary>
        private void RingWithoutAllocating()
        {
            if (_ringsDirectly) return;
            // Called from a push or a pull, when the interpreter is known: one try, whatever it gives.
            _ringsDirectly = true;
            if (StageWakeUp.Of(this, OnAnswersWaiting) is { } wakeUp) _inbox.RingWith(wakeUp);
        }

        /// <summary>Key groups of this node left answers in the inbox while the stage rested.</summary>
        private void OnAnswersWaiting()
        {
            _inbox.RingReached();
            TakeAnswersThenRest();
        }

        /// <summary>What key groups of this node answered while the stage worked, each delivered in turn, until none waits.</summary>
        private void TakeAnswersThenRest()
        {
            while (_inbox.TakeOrRest(_takeAnswers)) Deliver();
        }

        private void OnStageMessage((IActorRef Sender, object Message) received)
        {
            switch (received.Message)
            {
                case KeyGroupAnswers answers:
                    _batches.Answered(answers);
                    Deliver();
                    break;
                case KeyGroupRestored:
                    if (--_restoring > 0) break;
                    if (_stage.AfterRestore is { } reset)
                    {
                        _restoring = 1;
                        reset().ContinueWith(done => _afterRestoreDone(done), TaskContinuationOptions.ExecuteSynchronously);
                    }
                    else Advance();
                    break;
                case KeyGroupFailed failed:
                    FailStage(new KeyGroupFailedException(failed.KeyGroup, failed.Reason));
                    break;
                case Terminated { ActorRef: var stopped }:
                    // The death notice can overtake the key group's last word (its reason): look again
                    // behind whatever it sent, by a message to self that queues after it.
                    _self.Ref.Tell(new KeyGroupStopped(_stage.Partitions.KeyGroupOf(stopped)));
                    break;
                case KeyGroupStopped gone:
                    FailStage(new KeyGroupFailedException(gone.KeyGroup, "its actor stopped"));
                    break;
            }
        }

        private void Deliver()
        {
            if (IsAvailable(_stage._out) && _batches.NextAnswer() is { } answers)
            {
                _written += answers.Count - answers.Failed;
                if (_stage.OnDeliver is { } onDeliver)
                {
                    long deliveredAt = Stopwatch.GetTimestamp();
                    foreach (var prediction in answers.Predictions) onDeliver(prediction, deliveredAt);
                }
                Push(_stage._out, answers);
                _pushedNotTaken = answers.Count;
            }
            Advance();
            TryStartBarrier();
            CompleteIfDone();
        }

        private void TryStartBarrier()
        {
            if (_held is not { } held || _inFlight > 0 || _checkpointing) return;
            if (_heldForCheckpoint)
            {
                if (_retraining && _replay) return;
                _heldForCheckpoint = false;
                if (!TakeCheckpoint(held.Offset, 0)) return;
                _held = null;
                Route(held);
                return;
            }
            if (_heldForSwap)
            {
                if (!_pending!.IsCompleted) return;
                TakeEffect();
                _heldForSwap = false;
                _held = null;
                // A checkpoint that came due while the retrain ran is taken here, before the tick, now that none is in flight.
                Admit(held);
                return;
            }
            if (_retraining) return;
            if (_pending is not null)
            {
                // The next retrain is due before the last one's candidate took effect: it takes effect here, before the next starts from it.
                if (!_pending.IsCompleted) return;
                TakeEffect();
            }
            StartRetrain(_heldCutoff);
        }

        /// <summary>The overlapped retrain's outcome heard (its candidate promoted by the hearer), with nothing in flight.</summary>
        private void TakeEffect()
        {
            var done = _pending!;
            _pending = null;
            if (done.IsCompletedSuccessfully) _stage.Retrains!.OnOutcome(done.Result);
            else _stage.Retrains!.OnFailure(done.Exception?.GetBaseException() ?? new TaskCanceledException("retrain cancelled"));
        }

        /// <summary>An overlapped retrain has its training data: the tick it was due before goes on, and the stream with it.</summary>
        private void OnWindowsTaken()
        {
            _retraining = false;
            if (_held is { } tick && !_heldForCheckpoint && !_heldForSwap)
            {
                _held = null;
                _heldCutoff = null;
                Dispatch(tick);
            }
            Advance();
            CompleteIfDone();
        }

        /// <returns>False while the checkpoint is still being taken: the held tick (or the end) waits for <see cref="OnCheckpointTaken"/>.</returns>
        private bool TakeCheckpoint(long nextOffset, int skipAtNextOffset)
        {
            _sinceCheckpoint = 0;
            _lastCut = nextOffset;
            _checkpointDue = false;
            Task taking;
            try
            {
                taking = _stage.Checkpoints!.Take(new RouterCut(nextOffset, skipAtNextOffset, _written));
            }
            catch (Exception e)
            {
                taking = Task.FromException(e);
            }
            if (taking.IsCompleted)
            {
                if (taking.IsFaulted) Log.Warning(taking.Exception?.GetBaseException(), "the checkpoint at offset {0} was not taken; the stream goes on", nextOffset);
                return true;
            }
            _checkpointing = true;
            taking.ContinueWith(done => _checkpointTaken(done), TaskContinuationOptions.ExecuteSynchronously);
            return false;
        }

        /// <summary>A checkpoint that took time (a cluster's gathering of windows) is taken: the held tick goes on, or the stream ends.</summary>
        private void OnCheckpointTaken(Task taken)
        {
            _checkpointing = false;
            if (taken.IsFaulted) Log.Warning(taken.Exception?.GetBaseException(), "a checkpoint was not taken; the stream goes on");
            if (_held is { } tick && !_heldForCheckpoint)
            {
                _held = null;
                Route(tick);
            }
            Advance();
            CompleteIfDone();
        }

        private void StartRetrain(DateTime? cutoff)
        {
            if (_retraining) return;
            _retraining = true;
            if (_replay && _stage.Retrains!.StartOverlapped is { } overlapped)
            {
                OverlappedRetrain started;
                try
                {
                    started = overlapped(cutoff);
                }
                catch (Exception e)
                {
                    started = new OverlappedRetrain(Task.CompletedTask, Task.FromException<RetrainOutcome>(e));
                }
                _pending = started.Outcome;
                _takesEffectAt = _dispatched + _stage.Schedule!.TakesEffectAfterTicks;
                started.Outcome.ContinueWith(done => _pendingDone(done), TaskContinuationOptions.ExecuteSynchronously);
                started.WindowsTaken.ContinueWith(done => _windowsTaken(done), TaskContinuationOptions.ExecuteSynchronously);
                return;
            }
            Task<RetrainOutcome> task;
            try
            {
                task = _stage.Retrains!.Start(cutoff);
            }
            catch (Exception e)
            {
                task = Task.FromException<RetrainOutcome>(e);
            }
            task.ContinueWith(done => _retrainDone(done), TaskContinuationOptions.ExecuteSynchronously);
        }

        private void OnRetrainDone(Task<RetrainOutcome> done)
        {
            _retraining = false;
            if (done.IsCompletedSuccessfully) _stage.Retrains!.OnOutcome(done.Result);
            else _stage.Retrains!.OnFailure(done.Exception?.GetBaseException() ?? new TaskCanceledException("retrain cancelled"));
            if (_heldForCheckpoint) TryStartBarrier();
            else if (_held is { } tick)
            {
                _held = null;
                _heldCutoff = null;
                Dispatch(tick);
            }
            Advance();
            CompleteIfDone();
        }

        protected override void OnTimer(object timerKey)
        {
            // A checkpoint may fall anywhere without changing any forecast, so the clock may place it.
            if (Equals(timerKey, CheckpointTimer))
            {
                _checkpointDue = true;
                if (!_pushedSinceTimer) TryQuietCheckpoint();
                _pushedSinceTimer = false;
            }
            else StartRetrain(null);
        }

        /// <summary>
        /// A live feed that has gone quiet for a whole checkpoint interval would otherwise leave its
        /// last lines without a checkpoint (and its clients without acks) until the next line came.
        /// The cut falls after the last record, a tick or a line set aside after it: a whole quiet
        /// interval means no record is half through (a record's ticks come together). Only where
        /// the feed is not read again on resume; a replay's cut stays at a tick that has arrived.
        /// </summary>
        private void TryQuietCheckpoint()
        {
            long lastRecord = Math.Max(_lastOffset, _stage.LastRejectedOffset());
            if (_stage.Checkpoints is not { CutWhenQuiet: true } || (_sinceCheckpoint == 0 && lastRecord < _lastCut) || _held is not null || BatchUnfinished || _inFlight > 0 || _checkpointing
                || _pending is not null || _upstreamDone || (_retraining && _replay)) return;
            TakeCheckpoint(lastRecord + 1, 0);
        }

        private void CompleteIfDone()
        {
            if (!_upstreamDone || BatchUnfinished || _inFlight > 0 || _held is not null || _checkpointing || (_retraining && _replay)) return;
            bool candidateWasPending = _pending is not null;
            if (_pending is not null)
            {
                // The feed ended before the candidate's point: it takes effect at the end, so the run's final weights hold it.
                if (!_pending.IsCompleted) return;
                TakeEffect();
            }
            // A drain can stop the feed in the middle of a record (a wide row): the cut is then inside it.
            // Not after a retrain's cut whose candidate had not reached its point: a resume from here would forecast with the
            // candidate before that point, unlike the run it continues. It goes on from the checkpoint before the retrain's cut,
            // which the retrain is then cut again from, and forecasts the ticks since then again (a drain stops a replay, whose
            // feed is read again; a live feed has no such retrain).
            if (_stage.Checkpoints is not null && _sinceCheckpoint > 0 && !candidateWasPending && !TakeCheckpoint(_lastOffset, _ticksAtLastOffset)) return;
            CompleteStage();
        }
    }
}

/// <summary>How the router takes checkpoints: every <paramref name="EveryTicks"/> ticks (0: not by count), every <see cref="Interval"/> of wall-clock time, and at the end.</summary>
/// <param name="InitialWritten">Predictions the output already holds (a resumed run continues the count).</param>
/// <param name="Take">Called with nothing in flight, with where the stream stands; the stream goes on when its task completes (a failed one is logged, never fatal).</param>
public sealed record RouterCheckpoints(long EveryTicks, long InitialWritten, Func<RouterCut, Task> Take)
{
    public TimeSpan? Interval { get; init; }

    /// <summary>A feed that is not read again on resume (a live socket): a due checkpoint is taken when the feed has been quiet for an interval, not only at the next tick.</summary>
    public bool CutWhenQuiet { get; init; }
}

/// <summary>Where the stream stands at a checkpoint: resume at feed offset <paramref name="NextOffset"/>, after its first <paramref name="SkipAtNextOffset"/> ticks, with <paramref name="PredictionsWritten"/> predictions out.</summary>
public readonly record struct RouterCut(long NextOffset, int SkipAtNextOffset, long PredictionsWritten);

/// <summary>The router's note to itself that a key group's actor stopped, read after anything the key group sent before it stopped.</summary>
internal sealed record KeyGroupStopped(int KeyGroup);
