namespace RnnStream.Actors.Series;

/// <summary>Which forecast a series publishes.</summary>
public enum ForecasterChoice
{
    /// <summary>Always the network's.</summary>
    Network,

    /// <summary>Always the last value (the baseline every forecast is judged against).</summary>
    Persistence,

    /// <summary>
    /// Per series, whichever of the two has the lower running error on that series' own recent
    /// forecasts; persistence until the network has been scored. A series the network cannot
    /// learn (a random walk) then does no worse than persistence, and one it can gets the network.
    /// </summary>
    Best,
}
