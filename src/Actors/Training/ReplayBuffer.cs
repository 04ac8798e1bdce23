
namespace RnnStream.Actors.Training;

/// <summary>
/// The recent training windows of all series, bounded. It keeps the newest windows by
/// (end time, series) and drops the oldest, which makes its content after a set of additions the
/// same whatever order they arrived in, so a replay trains on the same data every run.
/// </summary>
public sealed class ReplayBuffer(int capacity)
{
    private readonly SortedSet<TrainingWindow> _windows = [];
    private readonly Lock _lock = new();

    public int Capacity { get; } = capacity > 0 ? capacity : throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "must be positive");

    public int Count
    {
        get { lock (_lock) return _windows.Count; }
    }

    public void Add(TrainingWindow window)
    {
        lock (_lock)
        {
            _windows.Add(window);
            if (_windows.Count > Capacity) _windows.Remove(_windows.Min!);
        }
    }

    /// <summary>Holds exactly <paramref name="windows"/> (the newest of them, up to the capacity): where a cluster's run starts again from a checkpoint.</summary>
    public void Replace(IEnumerable<TrainingWindow> windows)
    {
        lock (_lock)
        {
            _windows.Clear();
            foreach (var window in windows)
            {
                _windows.Add(window);
                if (_windows.Count > Capacity) _windows.Remove(_windows.Min!);
            }
        }
    }

    /// <summary>The windows that ended before <paramref name="cutoff"/> (all, if null), oldest first.</summary>
    public IReadOnlyList<TrainingWindow> Snapshot(DateTime? cutoff = null)
    {
        lock (_lock)
            return cutoff is { } limit ? _windows.Where(w => w.EndTime < limit).ToArray() : _windows.ToArray();
    }
}
