namespace RnnStream.Actors.Protocol;

/// <summary>
/// The stream introduces itself to every key group when it starts, as this message's sender: a key
/// group that fails before it saw any tick still knows whom to tell why.
/// </summary>
public sealed class AnswerTo
{
    public static readonly AnswerTo Instance = new();
}
