using Akka;
using Akka.Actor;
using Akka.Streams.Implementation.Fusing;
using Akka.Streams.Stage;

namespace RnnStream.Actors.Pipeline;

/// <summary>
/// A running stage's wake-up from another thread that allocates nothing: one message, made once and
/// sent again each time. Akka's async callback (1.5.73) makes a closure and boxes a new message on
/// every call, and those two objects were all the stream still allocated per tick
/// (docs/RESULTS.md). The message is the one the callback sends, to the actor it sends it to: async
/// input for the stage, whose handler the interpreter runs on the stage's thread unless the stage
/// has completed. It leans on how Akka's interpreter is built (its entry for async input is a method
/// of the shell the message must name); where that does not hold there is no such wake-up, and the
/// caller keeps the callback. A test pins it.
/// </summary>
internal static class StageWakeUp
{
    /// <summary>
    /// The wake-up of <paramref name="stage"/>, from inside it while it runs (the only time its
    /// interpreter is known); null when it is not running or the interpreter is not built as expected.
    /// </summary>
    public static Action? Of(GraphStageLogic stage, Action handler)
    {
        if (GraphInterpreter.CurrentInterpreterOrNull is not { } interpreter || interpreter.OnAsyncInput.Target is not GraphInterpreterShell shell)
            return null;
        Action<object> run = _ => handler();
        object wakeUp = new ActorGraphInterpreter.AsyncInput(shell, stage, NotUsed.Instance, GraphStageLogic.NoPromise, run);
        var stageActor = interpreter.Context;
        return () => stageActor.Tell(wakeUp, ActorRefs.NoSender);
    }
}
