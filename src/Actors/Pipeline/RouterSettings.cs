namespace RnnStream.Actors.Pipeline;

/// <summary>How the stream feeds the series actors.</summary>
public sealed record RouterSettings
{
    /// <summary>Ticks accepted but whose predictions have not left yet; the stream pulls no more beyond it (memory stays flat).</summary>
    public int MaxInFlight { get; init; } = 8192;

    /// <summary>
    /// Partition actors the series are spread over (by a stable hash of the id). A few per core:
    /// enough to keep every core busy, few enough that a loaded mailbox takes many ticks per run.
    /// </summary>
    public int Partitions { get; init; } = 16;

    /// <summary>A series with no tick for this long is passivated (its state leaves the live table); null = never.</summary>
    public TimeSpan? IdleTimeout { get; init; }

    public TimeSpan PassivationScan { get; init; } = TimeSpan.FromSeconds(1);
}
