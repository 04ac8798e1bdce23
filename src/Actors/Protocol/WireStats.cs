namespace RnnStream.Actors.Protocol;

/// <summary>
/// What this process's key-group protocol put on the wire and took off it: only messages that
/// crossed a node are serialized, so these count exactly the remote traffic (a cluster's cost per
/// tick, in RESULTS). Process-wide, like the serializer Akka makes once per system.
/// </summary>
public static class WireStats
{
    private static long _tickBatchesOut, _ticksOut, _tickBytesOut, _answerBatchesIn, _answersIn, _answerBytesIn;

    internal static void TicksSent(int ticks, int bytes)
    {
        Interlocked.Increment(ref _tickBatchesOut);
        Interlocked.Add(ref _ticksOut, ticks);
        Interlocked.Add(ref _tickBytesOut, bytes);
    }

    internal static void AnswersReceived(int answers, int bytes)
    {
        Interlocked.Increment(ref _answerBatchesIn);
        Interlocked.Add(ref _answersIn, answers);
        Interlocked.Add(ref _answerBytesIn, bytes);
    }

    /// <summary>Batches, ticks and bytes of ticks serialized here, and of answers deserialized here.</summary>
    public static (long TickBatches, long Ticks, long TickBytes, long AnswerBatches, long Answers, long AnswerBytes) Snapshot() =>
        (Interlocked.Read(ref _tickBatchesOut), Interlocked.Read(ref _ticksOut), Interlocked.Read(ref _tickBytesOut),
            Interlocked.Read(ref _answerBatchesIn), Interlocked.Read(ref _answersIn), Interlocked.Read(ref _answerBytesIn));
}
