using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using RnnStream.Actors.Series;
using RnnStream.Model.Specs;

namespace RnnStream.Host.Configuration;

/// <summary>
/// What must stay the same for forecasts to be one model's: the network's shape, the series settings
/// (the auto keys as chosen from the feed) and the number of key groups. A cluster node whose copy of
/// the file, or whose config, differs would step other windows through weights of another shape, or
/// answer for other key groups: the coordinator compares every node's with its own before each
/// attempt. A run resumed from a data directory's state compares its own with the one that state was
/// made by (<see cref="KeptModel"/>). Either refuses to run on a difference, naming it.
/// </summary>
internal static class ModelAgreement
{
    private static readonly JsonSerializerOptions Options = new() { Converters = { new JsonStringEnumConverter() } };

    /// <summary>The description the nodes compare: flat "key = value" lines, one per setting, in a fixed order.</summary>
    public static string Describe(ModelSpec spec, SeriesSettings series, int keyGroups)
    {
        var lines = new List<string>();
        Flatten("model", JsonSerializer.SerializeToNode(spec, Options), lines);
        Flatten("series", JsonSerializer.SerializeToNode(series, Options), lines);
        lines.Add($"router.partitions = {keyGroups}");
        return string.Join('\n', lines);
    }

    /// <summary>Each setting whose value differs between two descriptions, as "key: here X, there Y"; empty when they agree.</summary>
    /// <param name="hereName">What the first description is called in the answer; <paramref name="thereName"/>, the second.</param>
    /// <param name="keysUnder">Only the settings whose key starts so ("series."); all when empty.</param>
    public static IReadOnlyList<string> Differences(string here, string there, string hereName = "here", string thereName = "there", string keysUnder = "")
    {
        var ours = Settings(here);
        var theirs = Settings(there);
        return ours.Keys.Union(theirs.Keys).Where(key => key.StartsWith(keysUnder, StringComparison.Ordinal)).Order(StringComparer.Ordinal)
            .Where(key => ours.GetValueOrDefault(key) != theirs.GetValueOrDefault(key))
            .Select(key => $"{key}: {hereName} {ours.GetValueOrDefault(key) ?? "(none)"}, {thereName} {theirs.GetValueOrDefault(key) ?? "(none)"}")
            .ToArray();
    }

    private static Dictionary<string, string> Settings(string description) =>
        description.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(" = ", 2))
            .ToDictionary(parts => parts[0], parts => parts.Length > 1 ? parts[1] : "", StringComparer.Ordinal);

    private static void Flatten(string path, JsonNode? node, List<string> lines)
    {
        switch (node)
        {
            case JsonObject settings:
                foreach (var (name, value) in settings) Flatten($"{path}.{name}", value, lines);
                break;
            case JsonArray items:
                for (int i = 0; i < items.Count; i++) Flatten($"{path}[{i}]", items[i], lines);
                if (items.Count == 0) lines.Add($"{path} = []");
                break;
            default:
                lines.Add($"{path} = {node?.ToJsonString() ?? "null"}");
                break;
        }
    }
}
