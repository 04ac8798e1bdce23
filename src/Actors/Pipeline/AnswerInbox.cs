using System.Collections.Concurrent;
using RnnStream.Actors.Protocol;

namespace RnnStream.Actors.Pipeline;

/// <summary>
/// Where the key groups on the stream's own node leave their answers, instead of telling its stage
/// actor: each message to a stage actor costs three objects on top of the answer (the stage's
/// callback and Akka's envelope for it), which were half of what the stream still allocated per
/// tick (docs/RESULTS.md). An answer left here rings the stage only if the stage is resting and
/// nobody rang since (once the stage has run, with <see cref="StageWakeUp"/>, which allocates
/// nothing): while it works (a feed batch in, a batch taken out) it looks here before it rests, so
/// under load few answers ring at all. Key groups on other nodes have no inbox
/// (it does not cross the wire) and tell the stage actor, as before. At most one answer per key
/// group waits here, so its queue stops growing at the count of key groups.
/// </summary>
internal sealed class AnswerInbox(Action ring)
{
    private readonly ConcurrentQueue<KeyGroupAnswers> _waiting = new();
    private volatile Action _ring = ring;

    /// <summary>1 while the stage is at work or a ring is on its way: an answer left then needs no ring of its own.</summary>
    private int _awake;

    /// <summary>On a key group's thread: the answer is left, and the stage rung if it rests.</summary>
    public void Post(KeyGroupAnswers answers)
    {
        _waiting.Enqueue(answers);
        if (Interlocked.Exchange(ref _awake, 1) == 0) _ring();
    }

    /// <summary>Rings with <paramref name="ring"/> from now on; a key group that already read the old one rings with that, which wakes the stage as well.</summary>
    public void RingWith(Action ring) => _ring = ring;

    /// <summary>On the stage's thread, as it starts on anything: it will look here before it rests.</summary>
    public void Working() => Volatile.Write(ref _awake, 1);

    /// <summary>
    /// On the stage's thread, before it rests: the answers waiting, in the order they came, and
    /// true (call again once done with them, for those left meanwhile); or false, when none waits,
    /// with the stage marked resting. The mark is set before the queue is looked at last, so an
    /// answer left meanwhile is either seen or rings.
    /// </summary>
    public bool TakeOrRest(Action<KeyGroupAnswers> take)
    {
        if (_waiting.IsEmpty)
        {
            // A full fence, not a plain write: the mark must be seen before the queue is read, or a
            // key group could find the stage still awake and leave its answer with nobody to look.
            Interlocked.Exchange(ref _awake, 0);
            if (_waiting.IsEmpty) return false;
            Volatile.Write(ref _awake, 1);
        }
        while (_waiting.TryDequeue(out var answers)) take(answers);
        return true;
    }
}
