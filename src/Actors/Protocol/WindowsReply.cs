using RnnStream.Actors.Training;

namespace RnnStream.Actors.Protocol;

/// <summary>A node's answer to a <see cref="WindowsRequest"/>: its windows, oldest first.</summary>
public sealed record WindowsReply(IReadOnlyList<TrainingWindow> Windows);
