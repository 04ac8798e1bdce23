namespace RnnStream.Actors.Series;

/// <summary>The candidates a series chooses between on every tick; each prediction names the one it published.</summary>
public enum ForecasterKind
{
    /// <summary>The last value.</summary>
    Persistence,

    /// <summary>The shared recurrent network.</summary>
    Network,

    /// <summary>The series' own ridge autoregression on its last changes (<c>series.ridge-lags</c>).</summary>
    Ridge,

    /// <summary>
    /// A per-series linear blend of the network's and the ridge's predicted changes, its two weights
    /// fitted online (recursive least squares, forgetting) to what happened: two models whose errors
    /// are only partly alike err less blended, and a weight sum under one shrinks a noisy forecast
    /// toward persistence.
    /// </summary>
    Blend,
}

public static class ForecasterNames
{
    public const string Persistence = "persistence";
    public const string Network = "rnn";
    public const string Ridge = "ridge";
    public const string Blend = "rnn+ridge";

    /// <summary>The name outputs carry (one shared string per candidate, nothing allocated per tick).</summary>
    public static string Name(this ForecasterKind kind) => kind switch
    {
        ForecasterKind.Persistence => Persistence,
        ForecasterKind.Network => Network,
        ForecasterKind.Ridge => Ridge,
        ForecasterKind.Blend => Blend,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };
}
