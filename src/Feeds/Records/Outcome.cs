namespace RnnStream.Feeds.Records;

/// <summary>
/// A forecast scored when its target arrived: the actual values, what was predicted with its interval,
/// and what persistence (the value known when the forecast was made) would have said.
/// </summary>
public sealed record Outcome(float[] Actual, float[] Predicted, float[] Lower, float[] Upper, float[] Persistence)
{
    public bool OutsideInterval
    {
        get
        {
            for (int i = 0; i < Actual.Length; i++)
                if (Actual[i] < Lower[i] || Actual[i] > Upper[i]) return true;
            return false;
        }
    }
}
