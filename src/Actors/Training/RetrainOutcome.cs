using RnnStream.Model.Weights;

namespace RnnStream.Actors.Training;

/// <summary>What a retrain did: the candidate's and the champion's held-out loss, and whether the candidate was promoted (and if not, why).</summary>
public sealed record RetrainOutcome(long FromVersion, ModelWeights? Promoted, int TrainWindows, int HoldoutWindows, double ChampionLoss, double ChallengerLoss,
    RetrainVerdict Kind, string Verdict)
{
    public bool WasPromoted => Promoted is not null;
}
