using System.Buffers;
using Akka.Actor;
using RnnStream.Actors.Protocol;
using RnnStream.Feeds.Records;

namespace RnnStream.Actors.Pipeline;

/// <summary>
/// The router's batches, per key group: at most one at work; ticks that come meanwhile gather in
/// the next, which leaves when the first comes back (under load a batch carries hundreds). What an
/// idle key group gathers leaves when the router has gone through what it had for now
/// (<see cref="SendGathered"/>): a lone tick at once, a feed batch's ticks as one message per key
/// group. Answers are read out in the order they came back. The ticks' arrays are rented from the
/// shared pool and returned once answered, so batching allocates nothing per tick in steady state;
/// the ticks of a pooled feed batch are counted as answered then. A key group of the stream's own
/// process is sent the same message object every time, refilled; any other a new one. Used on the
/// stream's thread only.
/// </summary>
/// <param name="inbox">Where key groups of the stream's own process leave their answers (named in every batch sent them).</param>
internal sealed class KeyGroupBatches(KeyGroups keyGroups, IActorRef replyTo, Func<long> weightsVersion, AnswerInbox? inbox = null)
{
    private const int FirstSize = 16;
    private readonly Queue<PredictionBatch> _answered = new();
    private readonly KeyGroupTicks?[] _messages = new KeyGroupTicks?[keyGroups.Count];

    /// <summary>Key groups in the stream's own process: only they get a refilled message and the inbox (a message that may cross a node is never changed once sent).</summary>
    private readonly bool[] _sharesMemory = Enumerable.Range(0, keyGroups.Count).Select(keyGroups.SharesMemory).ToArray();
    private readonly Tick[]?[] _gathering = new Tick[]?[keyGroups.Count];
    private readonly int[] _gathered = new int[keyGroups.Count];

    /// <summary>The ticks each key group is working on (null: idle), given back to the pool when it answers.</summary>
    private readonly Tick[]?[] _atWork = new Tick[]?[keyGroups.Count];
    private readonly int[] _atWorkCount = new int[keyGroups.Count];

    /// <summary>Idle key groups that gathered ticks since the last <see cref="SendGathered"/>, each once: a send costs the key groups a pass touched, not all of them.</summary>
    private readonly int[] _idleWithTicks = new int[keyGroups.Count];
    private int _idleWithTicksCount;

    /// <summary>Whether the key group is in the stream's own process (<see cref="KeyGroups.SharesMemory"/>).</summary>
    public bool SharesMemory(int keyGroup) => _sharesMemory[keyGroup];

    public void Add(int keyGroup, Tick tick)
    {
        var gathering = _gathering[keyGroup] ??= ArrayPool<Tick>.Shared.Rent(FirstSize);
        int count = _gathered[keyGroup];
        if (count == gathering.Length)
        {
            var larger = ArrayPool<Tick>.Shared.Rent(2 * count);
            gathering.AsSpan().CopyTo(larger);
            Release(gathering, count);
            _gathering[keyGroup] = gathering = larger;
        }
        gathering[count] = tick;
        _gathered[keyGroup] = count + 1;
        if (count == 0 && _atWork[keyGroup] is null) _idleWithTicks[_idleWithTicksCount++] = keyGroup;
    }

    /// <summary>
    /// Sends each idle key group what it gathered. The router calls it when it has gone through the
    /// ticks it could route for now. Sent at once instead, each idle key group's first tick of a
    /// feed batch went alone and the rest followed when it came back: a message, a wake-up and an
    /// answer more for the same ticks (at half the pipeline's speed a tenth to a sixth of all the
    /// key groups' messages; docs/RESULTS.md).
    /// </summary>
    public void SendGathered()
    {
        for (int i = 0; i < _idleWithTicksCount; i++)
        {
            int keyGroup = _idleWithTicks[i];
            if (_atWork[keyGroup] is null && _gathered[keyGroup] > 0) Send(keyGroup);
        }
        _idleWithTicksCount = 0;
    }

    /// <summary>A key group answered: its ticks go back to the pool and it may take the next batch.</summary>
    public void Answered(KeyGroupAnswers answers)
    {
        int keyGroup = answers.KeyGroup;
        // Taken out before the key group gets more ticks: it refills the same answer object for them.
        _answered.Enqueue(answers.Batch);
        if (_atWork[keyGroup] is { } done)
        {
            // The key group is done with them: a pooled tick counts as answered in its batch, which may make it again.
            // The count sent, not the answer's: a pooled batch must never be counted answered for a tick still at work.
            int sent = _atWorkCount[keyGroup];
            if (_sharesMemory[keyGroup])
                foreach (var tick in done.AsSpan(0, sent)) tick.Home?.Answered();
            Release(done, sent);
            _atWork[keyGroup] = null;
        }
        if (_gathered[keyGroup] > 0) Send(keyGroup);
    }

    /// <summary>The next answer in the order the batches came back; null when none is waiting.</summary>
    public PredictionBatch? NextAnswer() => _answered.TryDequeue(out var answers) ? answers : null;

    private void Send(int keyGroup)
    {
        var ticks = _gathering[keyGroup]!;
        int count = _gathered[keyGroup];
        _gathering[keyGroup] = null;
        _gathered[keyGroup] = 0;
        _atWork[keyGroup] = ticks;
        _atWorkCount[keyGroup] = count;
        KeyGroupTicks message;
        if (!_sharesMemory[keyGroup]) message = new KeyGroupTicks(keyGroup, ticks, count, weightsVersion());
        else if (_messages[keyGroup] is { } reused) (message = reused).Refill(ticks, count, weightsVersion());
        else _messages[keyGroup] = message = new KeyGroupTicks(keyGroup, ticks, count, weightsVersion()) { Inbox = inbox };
        keyGroups.Tell(keyGroup, message, replyTo);
    }

    /// <summary>Back to the pool, without the references it held (so the pool keeps no tick alive).</summary>
    private static void Release<T>(T[] array, int used) where T : class
    {
        Array.Clear(array, 0, used);
        ArrayPool<T>.Shared.Return(array);
    }
}
