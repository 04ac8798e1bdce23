using Akka.Actor;

namespace RnnStream.Host.Cluster;

/// <summary>
/// A member stopping gracefully (SIGTERM) asks the coordinator to drain the stream to a checkpoint
/// before its key groups hand off; <paramref name="ReplyTo"/> hears when that checkpoint is committed.
/// </summary>
internal sealed record LeaveRequest(Address Member, IActorRef ReplyTo);
