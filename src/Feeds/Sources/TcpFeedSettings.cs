namespace RnnStream.Feeds.Sources;

/// <summary>Where the TCP feed listens and what it allows each client (<c>feed.tcp.*</c>, <c>feed.max-line-length</c>).</summary>
public sealed record TcpFeedSettings(string Host, int Port)
{
    public int MaxLineLength { get; init; } = 65536;

    /// <summary>Connections served at once; one more is refused (closed at once), not queued behind idle ones.</summary>
    public int MaxConnections { get; init; } = 64;

    /// <summary>A connection that sends nothing for this long is closed.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Tell each client, on its connection, how many of its lines a committed checkpoint covers (runs with a data directory).</summary>
    public bool Acks { get; init; } = true;

    /// <summary>Send each client the predictions of the ticks it sent, and its lines set aside with why, on its own connection (<see cref="TcpReplies"/>).</summary>
    public bool PredictionsBack { get; init; }
}
