namespace RnnStream.Actors.Training;

/// <summary>How a retrain ended, for whoever acts on it (the outcome's text says it to a person).</summary>
public enum RetrainVerdict
{
    /// <summary>The candidate beat the weights in use on the held-out windows and took their place.</summary>
    Promoted,

    /// <summary>Not enough windows to train on; nothing was trained.</summary>
    Skipped,

    /// <summary>Trained, finite, but not better on the held-out windows than the weights in use.</summary>
    NotBetter,

    /// <summary>
    /// Training blew up: the candidate or its held-out loss is not finite, or that loss is more than
    /// <see cref="Retrainer.DivergenceRatio"/> times the weights in use's.
    /// </summary>
    Diverged,

    /// <summary>The retrain threw, or gave no answer within <see cref="RetrainSettings.Timeout"/>; the weights in use stay.</summary>
    Failed,
}
