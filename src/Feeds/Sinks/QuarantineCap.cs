using Akka;
using Akka.Streams.Dsl;
using RnnStream.Feeds.Records;

namespace RnnStream.Feeds.Sinks;

/// <summary>
/// Bounds the quarantine file: past <c>maxBytes</c> of rejected input (raw line and reason, roughly
/// as written), one last record says the cap was reached and later rejects are dropped from the
/// file. They are still counted, before this flow, by the run's metrics, so nothing goes unreported;
/// only a flood of garbage cannot fill the disk.
/// </summary>
public static class QuarantineCap
{
    /// <summary>Made once per run (its count lives in the closure), like the sink it guards.</summary>
    public static Flow<Rejected, Rejected, NotUsed> Create(long maxBytes)
    {
        long written = 0;
        bool full = false;
        return Flow.Create<Rejected>().SelectMany(rejected =>
        {
            if (full) return [];
            written += rejected.Raw.Length + rejected.Detail.Length + 64;
            if (written <= maxBytes) return new[] { rejected };
            full = true;
            return
            [
                rejected with
                {
                    Raw = "",
                    Detail = $"the quarantine file reached its cap of {maxBytes:N0} bytes (output.quarantine-max-bytes): this and later rejects are counted in the run's summary, not written",
                },
            ];
        });
    }
}
