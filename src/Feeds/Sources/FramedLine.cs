namespace RnnStream.Feeds.Sources;

/// <summary>
/// One line cut from a byte stream. <paramref name="Terminated"/> is false for bytes the stream
/// ended on without a newline: on a socket that closed mid-line, those are not a record.
/// </summary>
public readonly record struct FramedLine(string Text, bool Terminated);
