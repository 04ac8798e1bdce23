using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace RnnStream.Host.Tests.Http;

/// <summary>
/// A strict reader of the Prometheus text exposition format (version 0.0.4): every line is a
/// comment (<c># HELP</c>, <c># TYPE</c>), blank, or a sample <c>name{label="value",...} value [timestamp]</c>;
/// anything else, a label value with a bad escape, a sample of a family whose TYPE came after it,
/// or a family typed twice, is an error.
/// </summary>
internal static partial class PrometheusText
{
    public sealed record Sample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);

    public static (IReadOnlyList<Sample> Samples, IReadOnlyDictionary<string, string> Types) Parse(string text)
    {
        var samples = new List<Sample>();
        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        var sampled = new HashSet<string>(StringComparer.Ordinal);
        int number = 0;
        foreach (string line in text.Split('\n'))
        {
            number++;
            if (line.Length == 0) continue;
            if (line.StartsWith('#'))
            {
                if (TypeLine().Match(line) is { Success: true } type)
                {
                    string family = type.Groups[1].Value;
                    if (!types.TryAdd(family, type.Groups[2].Value)) throw new FormatException($"line {number}: {family} typed twice");
                    if (sampled.Contains(family)) throw new FormatException($"line {number}: the TYPE of {family} comes after its samples");
                }
                else if (!line.StartsWith("# HELP ", StringComparison.Ordinal) && !line.StartsWith("# EOF", StringComparison.Ordinal) && line.StartsWith("# TYPE", StringComparison.Ordinal))
                    throw new FormatException($"line {number}: a malformed TYPE line: {line}");
                continue;
            }
            var match = SampleLine().Match(line);
            if (!match.Success) throw new FormatException($"line {number}: not a sample: {line}");
            string name = match.Groups["name"].Value;
            var labels = match.Groups["labels"].Success ? Labels(match.Groups["labels"].Value, number) : new Dictionary<string, string>();
            samples.Add(new Sample(name, labels, Value(match.Groups["value"].Value, number)));
            sampled.Add(FamilyOf(name, types));
        }
        return (samples, types);
    }

    /// <summary>A histogram's or summary's series (_bucket, _sum, _count) belong to the family without the suffix.</summary>
    private static string FamilyOf(string name, Dictionary<string, string> types)
    {
        foreach (string suffix in new[] { "_bucket", "_sum", "_count", "_total" })
            if (name.EndsWith(suffix, StringComparison.Ordinal) && types.ContainsKey(name[..^suffix.Length])) return name[..^suffix.Length];
        return name;
    }

    private static double Value(string text, int line) => text switch
    {
        "+Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        "NaN" => double.NaN,
        _ => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) ? value : throw new FormatException($"line {line}: {text} is not a number"),
    };

    private static Dictionary<string, string> Labels(string text, int line)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        int at = 0;
        while (at < text.Length)
        {
            int equals = text.IndexOf('=', at);
            if (equals < 0 || equals + 1 >= text.Length || text[equals + 1] != '"') throw new FormatException($"line {line}: bad labels {text}");
            string name = text[at..equals];
            if (!LabelName().IsMatch(name)) throw new FormatException($"line {line}: bad label name {name}");
            var value = new StringBuilder();
            int i = equals + 2;
            for (; i < text.Length && text[i] != '"'; i++)
            {
                if (text[i] != '\\') value.Append(text[i]);
                else value.Append(++i < text.Length ? text[i] switch { 'n' => '\n', '\\' => '\\', '"' => '"', var other => throw new FormatException($"line {line}: bad escape \\{other}") } : throw new FormatException($"line {line}: a dangling escape"));
            }
            if (i >= text.Length) throw new FormatException($"line {line}: an unclosed label value");
            if (!labels.TryAdd(name, value.ToString())) throw new FormatException($"line {line}: label {name} twice");
            at = i + 1;
            if (at < text.Length && text[at] == ',') at++;
        }
        return labels;
    }

    [GeneratedRegex(@"^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$")]
    private static partial Regex TypeLine();

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>.*)\})? (?<value>\S+)( -?\d+)?$")]
    private static partial Regex SampleLine();

    [GeneratedRegex(@"^[a-zA-Z_][a-zA-Z0-9_]*$")]
    private static partial Regex LabelName();
}
