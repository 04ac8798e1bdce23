using System.Globalization;

namespace RnnStream.Host.Configuration;

/// <summary>
/// What a data directory's first run chose its auto keys from: how many ticks its warm-up read and
/// how long the feed was. A resumed run chooses from the same, so a file that has grown since (a
/// longer warm-up, a longer feed) cannot change the window, holdout, seasonal lag or retrain
/// schedule under the state that run made, silently or otherwise. A socket feed's first ticks are
/// gone once forecast, so for it the choices themselves are kept.
/// </summary>
/// <param name="WarmUpTicks">Ticks the warm-up read; 0 when nothing was read ahead.</param>
/// <param name="FeedTicks">The feed's length then; null when it was not known.</param>
internal sealed record DetectionBasis(long WarmUpTicks, long? FeedTicks)
{
    /// <summary>
    /// A socket feed's choices themselves (<see cref="KeptChoices"/>): its first ticks cannot be read
    /// again; null for a file feed, whose resume chooses again from the same first ticks.
    /// </summary>
    public InputChoices? Choices { get; init; }

    public const string FileName = "detection.conf";

    private const string WarmUpKey = "warm-up-ticks";
    private const string FeedKey = "feed-ticks";

    /// <summary>The basis kept in <paramref name="directory"/>; null when there is none (a first run, or no data directory).</summary>
    public static DetectionBasis? Read(string? directory)
    {
        if (directory is null) return null;
        string path = Path.Combine(directory, FileName);
        if (!File.Exists(path)) return null;
        var values = KeptChoices.Parse(File.ReadLines(path), what => Damaged(path, what));
        if (!values.TryGetValue(WarmUpKey, out var warmUpText) || !long.TryParse(warmUpText, NumberStyles.None, CultureInfo.InvariantCulture, out long warmUp))
            throw Damaged(path, $"no whole number of {WarmUpKey}");
        if (!values.TryGetValue(FeedKey, out var feedText)) throw Damaged(path, $"no {FeedKey}");
        long? feed = feedText == "unknown" ? null
            : long.TryParse(feedText, NumberStyles.None, CultureInfo.InvariantCulture, out long ticks) ? ticks
            : throw Damaged(path, $"{FeedKey} is '{feedText}', not a whole number or unknown");
        return new DetectionBasis(warmUp, feed) { Choices = KeptChoices.From(values, warmUp, what => Damaged(path, what)) };
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
            $"{WarmUpKey} = {WarmUpTicks}\n{FeedKey} = {(FeedTicks is { } ticks ? ticks.ToString(CultureInfo.InvariantCulture) : "unknown")}\n") +
            (Choices is { } choices ? string.Join("", KeptChoices.Lines(choices).Select(line => line + "\n")) : ""));
        File.Move(temporary, path, overwrite: false);
    }

    private static InvalidDataException Damaged(string path, string what) =>
        new($"'{path}' is damaged ({what}). It holds what this data directory's first run chose its auto keys from. " +
            "Put it back as that run wrote it, or delete it to choose again from the feed as it is now (a choice that changes the model is then refused).");
}
