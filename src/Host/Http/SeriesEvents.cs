using System.Collections.Concurrent;
using System.Text.Json;
using System.Threading.Channels;
using RnnStream.Feeds.Records;

namespace RnnStream.Host.Http;

/// <summary>
/// Every prediction of a watched series, as one JSON event, to each page that watches it (server-sent
/// events). A tap on the predictions' way to the output: it looks only at series somebody watches,
/// so with no page open it costs one dictionary check per tick. A watcher that cannot keep up loses
/// its oldest events, never the stream its speed.
/// </summary>
internal sealed class SeriesEvents
{
    private const int WatcherBuffer = 1024;
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<Channel<string>, bool>> _watchers = new(StringComparer.Ordinal);

    /// <summary>Sees each prediction, on the stream's thread.</summary>
    public void Tap(Prediction prediction)
    {
        if (!_watchers.IsEmpty && !prediction.IsFailed && _watchers.TryGetValue(prediction.SeriesId, out var watchers))
        {
            string json = ToJson(prediction);
            foreach (var watcher in watchers.Keys) watcher.Writer.TryWrite(json);
        }
    }

    /// <summary>The events of <paramref name="seriesId"/> from now on, until <paramref name="cancellation"/>.</summary>
    public async IAsyncEnumerable<string> Watch(string seriesId, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellation)
    {
        var channel = Channel.CreateBounded<string>(new BoundedChannelOptions(WatcherBuffer) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
        var watchers = _watchers.GetOrAdd(seriesId, _ => new ConcurrentDictionary<Channel<string>, bool>());
        watchers[channel] = true;
        try
        {
            await foreach (string json in channel.Reader.ReadAllAsync(cancellation)) yield return json;
        }
        finally
        {
            watchers.TryRemove(channel, out _);
            if (watchers.IsEmpty) _watchers.TryRemove(KeyValuePair.Create(seriesId, watchers));
        }
    }

    /// <summary>
    /// What the page draws of one tick: the actual values that arrived with it (when a forecast was
    /// due then), and the forecast made after it, with its interval, forecaster and weights version.
    /// Numbers as the predictions file writes them (shortest round-trip), so the page shows what
    /// <c>/series/{id}</c> says.
    /// </summary>
    public static string ToJson(Prediction prediction)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("series", prediction.SeriesId);
            json.WriteString("timestamp", prediction.Timestamp);
            json.WriteNumber("offset", prediction.Offset);
            if (prediction.TargetTime is { } target) json.WriteString("targetTime", target);
            else json.WriteNull("targetTime");
            WriteFloats(json, "predicted", prediction.Predicted);
            WriteFloats(json, "lower", prediction.Lower);
            WriteFloats(json, "upper", prediction.Upper);
            if (prediction.Matured is { } outcome) WriteFloats(json, "actual", outcome.Actual);
            else json.WriteNull("actual");
            json.WriteString("forecaster", prediction.Forecaster);
            json.WriteNumber("weightsVersion", prediction.WeightsVersion);
            json.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    public static void WriteFloats(Utf8JsonWriter json, string name, ReadOnlySpan<float> values)
    {
        json.WriteStartArray(name);
        foreach (float value in values)
        {
            if (float.IsFinite(value)) json.WriteNumberValue(value);
            else json.WriteNullValue();
        }
        json.WriteEndArray();
    }
}
