using Akka.Actor;
using Akka.Event;
using RnnStream.Actors.Diagnostics;

namespace RnnStream.Actors.Training;

/// <summary>
/// Runs retrains off the series actors' threads (deploy it on its own dispatcher): takes the
/// windows that ended before the cutoff, runs the <see cref="Retrainer"/>, promotes a winning
/// candidate in the registry before it answers, so whoever waits for the answer knows the new
/// version is in place.
/// </summary>
public sealed class TrainerActor : UntypedActor
{
    private readonly Retrainer _retrainer;
    private readonly ModelRegistry _registry;
    private readonly ReplayBuffer _replay;
    private readonly ILoggingAdapter _log = Context.GetLogger();

    public TrainerActor(Retrainer retrainer, ModelRegistry registry, ReplayBuffer replay)
    {
        _retrainer = retrainer;
        _registry = registry;
        _replay = replay;
    }

    public const string DispatcherName = "rnnstream.trainer-dispatcher";

    public static Props Props(Retrainer retrainer, ModelRegistry registry, ReplayBuffer replay) =>
        Akka.Actor.Props.Create(() => new TrainerActor(retrainer, registry, replay)).WithDispatcher(DispatcherName);

    protected override void OnReceive(object message)
    {
        if (message is not RetrainRequest request)
        {
            Unhandled(message);
            return;
        }
        try
        {
            var windows = request.Windows ?? _replay.Snapshot(request.Cutoff);
            CrashPoints.Reach(CrashPoints.Retrain);
            TrainerDelay.Apply();
            var outcome = _retrainer.Run(_registry.Current.Weights, windows);
            if (outcome.Promoted is { } weights && !request.PromoteLater) _registry.Promote(weights);
            _log.Info("retrain from version {0} on {1} windows: {2}", outcome.FromVersion, outcome.TrainWindows + outcome.HoldoutWindows, outcome.Verdict);
            Sender.Tell(outcome);
        }
        catch (Exception e)
        {
            _log.Error(e, "retrain failed; the weights in use stay");
            Sender.Tell(new Status.Failure(e));
        }
    }
}

/// <summary>Retrain on the windows that ended before <paramref name="Cutoff"/> (all of them if null): the given ones (gathered from a cluster's nodes), or else this node's replay buffer's.</summary>
/// <param name="PromoteLater">The candidate is only returned: whoever asked puts it in use at its own point (a replay's retrain beside the stream).</param>
public sealed record RetrainRequest(DateTime? Cutoff, IReadOnlyList<TrainingWindow>? Windows = null, bool PromoteLater = false);
