using System.Collections.Concurrent;
using System.Diagnostics.Tracing;

namespace RnnStream.Host.Bench;

/// <summary>
/// Which types the allocated bytes go to, from the runtime's own sampling: an allocation tick about
/// every 100 KB names the type of the object that crossed the mark and the bytes since the last
/// one, so the bytes summed per type are in proportion to what each type took. What a "bytes per
/// tick" figure is made of, without a profiler.
/// </summary>
internal sealed class AllocationSampler : EventListener
{
    private const int AllocationTickEvent = 10;
    private readonly ConcurrentDictionary<string, long> _bytes = new();
    private volatile bool _sampling;

    public void Start()
    {
        _bytes.Clear();
        _sampling = true;
    }

    /// <summary>The types with the most sampled bytes, with each one's share of all sampled bytes.</summary>
    public IReadOnlyList<(string Type, double Share)> Stop(int top)
    {
        _sampling = false;
        double total = Math.Max(1, _bytes.Values.Sum());
        return _bytes.OrderByDescending(pair => pair.Value).Take(top).Select(pair => (pair.Key, pair.Value / total)).ToList();
    }

    /// <summary>The sampled types as a short clause: "; of which 52% Prediction, 26% Single[]"; empty when nothing was sampled.</summary>
    public static string Describe(IReadOnlyList<(string Type, double Share)> types) =>
        types.Count == 0 ? "" : "; of which " + string.Join(", ", types.Select(t => $"{t.Share:P0} {ShortName(t.Type)}"));

    /// <summary>A type's name without its namespace or generic arguments (an array keeps its brackets): "ValueTuple`2", "Single[]".</summary>
    private static string ShortName(string type)
    {
        int arguments = type.IndexOf('[');
        while (arguments >= 0 && arguments + 1 < type.Length && type[arguments + 1] == ']') arguments = type.IndexOf('[', arguments + 2);
        string name = arguments >= 0 ? type[..arguments] : type;
        return name[(name.LastIndexOf('.') + 1)..];
    }

    protected override void OnEventSourceCreated(EventSource source)
    {
        if (source.Name == "Microsoft-Windows-DotNETRuntime") EnableEvents(source, EventLevel.Verbose, (EventKeywords)0x1);
    }

    protected override void OnEventWritten(EventWrittenEventArgs written)
    {
        if (!_sampling || written.EventId != AllocationTickEvent || written.Payload is not { } payload) return;
        int typeAt = written.PayloadNames!.IndexOf("TypeName"), amountAt = written.PayloadNames.IndexOf("AllocationAmount64");
        if (typeAt < 0 || amountAt < 0) return;
        _bytes.AddOrUpdate((string)payload[typeAt]!, Convert.ToInt64(payload[amountAt]), (_, sum) => sum + Convert.ToInt64(payload[amountAt]));
    }
}
