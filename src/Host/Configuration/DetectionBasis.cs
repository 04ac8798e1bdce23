using System.Globalization;

namespace RnnStream.Host.Configuration;

/// <summary>
/// What a data directory's first run chose its auto keys from: how many ticks its warm-up read and
/// how long the feed was. A resumed run chooses from the same, so a file that has grown since (a
/// longer warm-up, a longer feed) cannot change the window, holdout, seasonal lag or retrain
/// schedule under the state that run made, silently or otherwise.
/// </summary>
/// <param name="WarmUpTicks">Ticks the warm-up read; 0 when nothing was read ahead.</param>
/// <param name="FeedTicks">The feed's length then; null when it was not known.</param>
internal sealed record DetectionBasis(long WarmUpTicks, long? FeedTicks)
{
    public const string FileName = "detection.conf";

    private const string WarmUpKey = "warm-up-ticks";
    private const string FeedKey = "feed-ticks";

    /// <summary>The basis kept in <paramref name="directory"/>; null when there is none (a first run, or no data directory).</summary>
    public static DetectionBasis? Read(string? directory)
    {
        if (directory is null) return null;
        string path = Path.Combine(directory, FileName);
        if (!File.Exists(path)) return null;
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string line in File.ReadLines(path))
        {
            if (line.Length == 0 || line.StartsWith('#')) continue;
            int equals = line.IndexOf('=');
            if (equals <= 0) throw Damaged(path, $"'{line}' is not KEY = VALUE");
            values[line[..equals].Trim()] = line[(equals + 1)..].Trim();
        }
        if (!values.TryGetValue(WarmUpKey, out var warmUpText) || !long.TryParse(warmUpText, NumberStyles.None, CultureInfo.InvariantCulture, out long warmUp))
            throw Damaged(path, $"no whole number of {WarmUpKey}");
        if (!values.TryGetValue(FeedKey, out var feedText)) throw Damaged(path, $"no {FeedKey}");
        long? feed = feedText == "unknown" ? null
            : long.TryParse(feedText, NumberStyles.None, CultureInfo.InvariantCulture, out long ticks) ? ticks
            : throw Damaged(path, $"{FeedKey} is '{feedText}', not a whole number or unknown");
        return new DetectionBasis(warmUp, feed);
    }

    /// <summary>Keeps the basis in <paramref name="directory"/>, unless one is there already (a resumed run keeps the first one's).</summary>
    public void KeepIn(string directory)
    {
        string path = Path.Combine(directory, FileName);
        if (File.Exists(path)) return;
        Directory.CreateDirectory(directory);
        string temporary = path + ".tmp";
        File.WriteAllText(temporary, string.Create(CultureInfo.InvariantCulture,
            $"# What this data directory's first run chose its auto keys from; a resumed run chooses from the same.\n" +
            $"{WarmUpKey} = {WarmUpTicks}\n{FeedKey} = {(FeedTicks is { } ticks ? ticks.ToString(CultureInfo.InvariantCulture) : "unknown")}\n"));
        File.Move(temporary, path, overwrite: false);
    }

    private static InvalidDataException Damaged(string path, string what) =>
        new($"'{path}' is damaged ({what}). It holds what this data directory's first run chose its auto keys from. " +
            "Put it back as that run wrote it, or delete it to choose again from the file as it is now (a choice that changes the model is then refused).");
}
