using Akka.Actor;
using RnnStream.Actors.Series;
using RnnStream.Feeds.Records;

namespace RnnStream.Actors.Pipeline;

/// <summary>
/// The router's batches, per key group: at most one at work; ticks that come meanwhile gather in
/// the next, which leaves when the first comes back (so a lone tick leaves at once, and under load
/// a batch carries hundreds); answered batches are read out in the order they came back, then kept
/// as spares, so batching allocates nothing in steady state. Used on the stream's thread only.
/// </summary>
internal sealed class KeyGroupBatches(IReadOnlyList<IActorRef> partitions)
{
    private readonly Queue<TickBatch> _answered = new();
    private readonly Stack<TickBatch>[] _spare = partitions.Select(_ => new Stack<TickBatch>()).ToArray();
    private readonly TickBatch?[] _gathering = new TickBatch?[partitions.Count];
    private readonly bool[] _atWork = new bool[partitions.Count];
    private TickBatch? _delivering;
    private int _delivered;

    public void Add(int partition, Tick tick)
    {
        var batch = _gathering[partition] ??= _spare[partition].TryPop(out var spare) ? spare : new TickBatch(partition);
        batch.Add(tick);
        if (!_atWork[partition]) Send(partition);
    }

    /// <summary>A batch came back answered: its key group may take the next one.</summary>
    public void Answered(TickBatch batch)
    {
        _atWork[batch.Partition] = false;
        if (_gathering[batch.Partition] is not null) Send(batch.Partition);
        _answered.Enqueue(batch);
    }

    /// <summary>The next answer in the order the batches came back; null when none is waiting.</summary>
    public Prediction? NextAnswer()
    {
        while (true)
        {
            if (_delivering is null && !_answered.TryDequeue(out _delivering)) return null;
            if (_delivered < _delivering.Count) return _delivering.Answers[_delivered++];
            _delivering.Clear();
            _spare[_delivering.Partition].Push(_delivering);
            _delivering = null;
            _delivered = 0;
        }
    }

    private void Send(int partition)
    {
        var batch = _gathering[partition]!;
        _gathering[partition] = null;
        _atWork[partition] = true;
        partitions[partition].Tell(batch, ActorRefs.NoSender);
    }
}
