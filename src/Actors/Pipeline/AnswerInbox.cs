using System.Collections.Concurrent;
using RnnStream.Actors.Protocol;

namespace RnnStream.Actors.Pipeline;

/// <summary>
/// Where the key groups on the stream's own node leave their answers, instead of telling its stage
/// actor: each message to a stage actor costs three objects on top of the answer (the stage's
/// callback and Akka's envelope for it), which were half of what the stream still allocated per
/// tick (docs/RESULTS.md). An answer left here rings the stage only if the stage is resting and
/// no ring is on its way (once the stage has run, with <see cref="StageWakeUp"/>, which allocates
/// nothing): while it works (a feed batch in, a batch taken out) it looks here before it rests, so
/// under load few answers ring at all. At most one ring is on its way at any time: the stage may
/// rest, after other work, before an earlier ring reaches it, and that ring will make it look
/// here, so answers left meanwhile need none of their own. (Ringing again whenever it rested put
/// one more ring in its mailbox per batch it wrote while its output lagged: four million of them
/// in a 15 M-tick run, docs/RESULTS.md.) Key groups on other nodes have no inbox (it does not
/// cross the wire) and tell the stage actor, as before. At most one answer per key group waits
/// here, so its queue stops growing at the count of key groups.
/// </summary>
internal sealed class AnswerInbox(Action ring)
{
    /// <summary>In <see cref="_state"/>: the stage is at work, and looks here before it rests.</summary>
    private const int Working = 1;

    /// <summary>In <see cref="_state"/>: a ring is on its way, and the stage looks here when it comes.</summary>
    private const int Rung = 2;

    private readonly ConcurrentQueue<KeyGroupAnswers> _waiting = new();
    private volatile Action _ring = ring;

    /// <summary>0 while the stage rests with no ring on its way; only then does an answer left need a ring.</summary>
    private int _state;

    /// <summary>On a key group's thread: the answer is left, and the stage rung if it rests and no ring is on its way.</summary>
    public void Post(KeyGroupAnswers answers)
    {
        _waiting.Enqueue(answers);
        if (Volatile.Read(ref _state) == 0 && Interlocked.CompareExchange(ref _state, Rung, 0) == 0) _ring();
    }

    /// <summary>Rings with <paramref name="ring"/> from now on; a key group that already read the old one rings with that, which wakes the stage as well.</summary>
    public void RingWith(Action ring) => _ring = ring;

    /// <summary>On the stage's thread, as it starts on anything but a ring: it will look here before it rests.</summary>
    public void StartWork() => Interlocked.Or(ref _state, Working);

    /// <summary>On the stage's thread, as a ring reaches it: that ring is no longer on its way, and the stage will look here before it rests.</summary>
    public void RingReached() => Interlocked.Exchange(ref _state, Working);

    /// <summary>
    /// On the stage's thread, before it rests: the answers waiting, in the order they came, and
    /// true (call again once done with them, for those left meanwhile); or false, when none waits,
    /// with the stage marked resting. The mark is set before the queue is looked at last, so an
    /// answer left meanwhile is either seen or rings (or a ring on its way will make it seen).
    /// </summary>
    public bool TakeOrRest(Action<KeyGroupAnswers> take)
    {
        if (_waiting.IsEmpty)
        {
            // A full fence, not a plain write: the mark must be seen before the queue is read, or a
            // key group could find the stage still at work and leave its answer with nobody to look.
            Interlocked.And(ref _state, ~Working);
            if (_waiting.IsEmpty) return false;
            Interlocked.Or(ref _state, Working);
        }
        while (_waiting.TryDequeue(out var answers)) take(answers);
        return true;
    }
}
