using RnnStream.Feeds.Records;

namespace RnnStream.Feeds.Parsing;

/// <summary>Reads a feed's times in the format the schema names, or in the one detected from the first time it sees.</summary>
internal sealed class TimestampReader(string? pattern)
{
    public TimestampFormat? Format { get; private set; } = pattern switch
    {
        null => null,
        _ when pattern.Equals("seconds", StringComparison.OrdinalIgnoreCase) => TimestampFormat.Seconds,
        _ => TimestampFormat.Pattern(pattern),
    };

    public bool TryRead(string raw, out DateTime timestamp)
    {
        if (Format is null)
        {
            if (!TimestampFormat.TryDetect(raw, out var detected))
            {
                timestamp = default;
                return false;
            }
            Format = detected;
        }
        return Format.TryParse(raw, out timestamp);
    }
}
