namespace RnnStream.Feeds.Sources;

/// <summary>
/// One line cut from a byte stream. <paramref name="Terminated"/> is false for bytes the stream
/// ended on without a newline: on a socket that closed mid-line, those are not a record. A class,
/// so a line is one object through the stages, not a box at each.
/// </summary>
public sealed record FramedLine(string Text, bool Terminated);
