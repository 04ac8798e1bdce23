namespace RnnStream.Feeds.Sources;

/// <summary>
/// One line of a feed as it arrived, with its position (line number in a file, arrival count on a
/// socket); <paramref name="Truncated"/> when its connection closed before its newline.
/// </summary>
public readonly record struct RawLine(string Text, long Offset, bool Truncated = false);
