using Akka.Actor;

namespace RnnStream.Actors.Protocol;

/// <summary>
/// A checkpoint reached a key group: store every series it holds under checkpoint
/// <paramref name="Number"/> in the snapshot store of the node it runs on (every node of a cluster
/// shares one store), then tell <paramref name="ReplyTo"/> (the checkpoint coordinator) with
/// <see cref="KeyGroupStored"/>. It comes in order with the ticks, so what is stored is exactly the
/// state at the cut.
/// </summary>
public sealed record StoreKeyGroup(long Number, IActorRef ReplyTo);
