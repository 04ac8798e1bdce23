using System.Globalization;

namespace RnnStream.Host.Configuration;

/// <summary>
/// The auto keys' values as a first run on a socket feed chose them, written as KEY = VALUE lines
/// (in <see cref="DetectionBasis.FileName"/>, or the store's detection-basis row). A socket's first
/// ticks are gone once forecast, so a resume cannot choose from them again: it takes these.
/// </summary>
internal static class KeptChoices
{
    private const string Prefix = "choice.";
    private const string ReasonPrefix = "choice.reason.";

    /// <summary>The lines that keep <paramref name="choices"/>; each value is one line of text.</summary>
    public static IEnumerable<string> Lines(InputChoices choices)
    {
        yield return $"{Prefix}time-features = {(choices.TimeFeatures ? "on" : "off")}";
        yield return Line("seasonal-lag", choices.SeasonalLag);
        yield return $"{Prefix}target = {(choices.PredictChange ? "change" : "level")}";
        yield return Line("window", choices.WindowLength);
        yield return Line("train-every", choices.TrainEvery);
        yield return Line("ridge-lags", choices.RidgeLags);
        yield return $"{Prefix}step = {Span(choices.Step)}";
        yield return $"{Prefix}mean-step = {Span(choices.MeanStep)}";
        yield return Line("series", choices.SeriesCount);
        yield return $"{Prefix}basis = {OneLine(choices.Basis)}";
        foreach (var (key, reason) in choices.Reasons.OrderBy(pair => pair.Key, StringComparer.Ordinal))
            yield return $"{ReasonPrefix}{key} = {OneLine(reason)}";
    }

    /// <summary>The choices kept among <paramref name="values"/>; null when none were (a file feed's basis, or one from an older build).</summary>
    /// <param name="warmUpTicks">The ticks they were chosen from, kept beside them.</param>
    /// <param name="damaged">What to throw, given what is wrong, when they are kept but cannot be read.</param>
    public static InputChoices? From(IReadOnlyDictionary<string, string> values, long warmUpTicks, Func<string, Exception> damaged)
    {
        if (!values.Keys.Any(key => key.StartsWith(Prefix, StringComparison.Ordinal))) return null;
        string Value(string name) => values.TryGetValue(Prefix + name, out var value) ? value : throw damaged($"no {Prefix}{name}");
        int Count(string name) => int.TryParse(Value(name), NumberStyles.None, CultureInfo.InvariantCulture, out int count) ? count
            : throw damaged($"{Prefix}{name} is '{Value(name)}', not a whole number");
        TimeSpan? Step(string name) => Value(name) is "none" ? null
            : TimeSpan.TryParseExact(Value(name), "c", CultureInfo.InvariantCulture, out var step) && step > TimeSpan.Zero ? step
            : throw damaged($"{Prefix}{name} is '{Value(name)}', not a positive time span or none");
        bool Either(string name, string yes, string no) => Value(name) == yes || (Value(name) == no ? false
            : throw damaged($"{Prefix}{name} is '{Value(name)}', not {yes} or {no}"));
        return new InputChoices
        {
            TimeFeatures = Either("time-features", "on", "off"),
            SeasonalLag = Count("seasonal-lag"),
            PredictChange = Either("target", "change", "level"),
            WindowLength = Count("window"),
            TrainEvery = Count("train-every"),
            RidgeLags = Count("ridge-lags"),
            Step = Step("step"),
            MeanStep = Step("mean-step"),
            SeriesCount = Count("series"),
            WarmUpTicks = warmUpTicks,
            Basis = Value("basis"),
            Reasons = values.Where(pair => pair.Key.StartsWith(ReasonPrefix, StringComparison.Ordinal))
                .ToDictionary(pair => pair.Key[ReasonPrefix.Length..], pair => pair.Value),
        };
    }

    /// <summary>KEY = VALUE lines as a dictionary; blank lines and # comments are passed over.</summary>
    public static Dictionary<string, string> Parse(IEnumerable<string> lines, Func<string, Exception> damaged)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string line in lines)
        {
            if (line.Length == 0 || line.StartsWith('#')) continue;
            int equals = line.IndexOf('=');
            if (equals <= 0) throw damaged($"'{line}' is not KEY = VALUE");
            values[line[..equals].Trim()] = line[(equals + 1)..].Trim();
        }
        return values;
    }

    private static string Line(string name, int value) => string.Create(CultureInfo.InvariantCulture, $"{Prefix}{name} = {value}");

    private static string Span(TimeSpan? step) => step is { } value ? value.ToString("c", CultureInfo.InvariantCulture) : "none";

    /// <summary>A reason or a basis is a phrase; a line break in one would end its line early.</summary>
    private static string OneLine(string text) => text.ReplaceLineEndings(" ").Trim();
}
