using RnnStream.Actors.Protocol;
using RnnStream.Feeds.Records;
using Spectre.Console;

namespace RnnStream.Host.Cluster;

/// <summary>
/// A member lost at <paramref name="DetectedAt"/> (when it became unreachable), with the key groups
/// it held (<paramref name="Moved"/>). The run after the rollback reports how long the stream stood
/// still and how long the moved key groups took to forecast again (a failover's two figures).
/// </summary>
internal sealed record Failover(DateTime DetectedAt, IReadOnlySet<int> Moved)
{
    /// <summary>A member that left gracefully (after a drain to a checkpoint), not one that was lost.</summary>
    public bool Graceful { get; init; }

    private string Since => Graceful ? "the leave was asked" : "the loss was detected";

    /// <summary>A tap on the next attempt's predictions that says, once each, when the first one and the first of a moved key group pass.</summary>
    public Action<Prediction> Watch(IAnsiConsole console, int keyGroups)
    {
        var extractor = new SeriesMessageExtractor(keyGroups);
        bool flowing = false, movedForecast = Moved.Count == 0;
        return prediction =>
        {
            if (!flowing)
            {
                flowing = true;
                console.MarkupLine($"failover: predictions flow again {(DateTime.UtcNow - DetectedAt).TotalSeconds:N2} s after {Since}");
            }
            if (!movedForecast && Moved.Contains(extractor.Partition(prediction.SeriesId)))
            {
                movedForecast = true;
                console.MarkupLine($"failover: a moved key group forecasts again {(DateTime.UtcNow - DetectedAt).TotalSeconds:N2} s after {Since}");
            }
        };
    }
}
