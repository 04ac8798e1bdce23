namespace RnnStream.Actors.Pipeline;

/// <summary>How the stream feeds the series actors.</summary>
public sealed record RouterSettings
{
    /// <summary>Ticks accepted but whose predictions have not left yet; the stream pulls no more beyond it (memory stays flat).</summary>
    public int MaxInFlight { get; init; } = 8192;

    /// <summary>A series with no tick for this long is passivated (its actor stops, its state is kept); null = never.</summary>
    public TimeSpan? IdleTimeout { get; init; }

    public TimeSpan PassivationScan { get; init; } = TimeSpan.FromSeconds(1);
}
