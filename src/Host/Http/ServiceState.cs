using RnnStream.Actors.Metrics;
using RnnStream.Actors.Pipeline;

namespace RnnStream.Host.Http;

/// <summary>
/// What the live service shows, filled in as the process gets there: the run once recovery has
/// finished and the stream started (ready), its instruments, and the events of watched series.
/// </summary>
internal sealed class ServiceState : IDisposable
{
    private RunHandle? _run;
    private RunInstruments? _instruments;
    private KeyGroups? _keyGroups;
    private long _live, _passivated;

    public SeriesEvents Events { get; } = new();

    /// <summary>Null until the run has recovered and started: the service is live, not ready.</summary>
    public RunHandle? Run => Volatile.Read(ref _run);

    public string Description { get; private set; } = "";

    /// <summary>Where /series asks: the run's key groups, or on a cluster node that does not coordinate, its shard region's.</summary>
    public KeyGroups? KeyGroups => Run?.KeyGroups ?? Volatile.Read(ref _keyGroups);

    /// <summary>Ready: the run recovered and started here, or (a node that does not coordinate) the cluster's run reset this node.</summary>
    public bool Ready => Run is not null || KeyGroups is not null;

    /// <summary>
    /// The run recovered and started (on a cluster, each attempt after a rollback starts again): from
    /// now on /health says ready, and its figures go to /metrics.
    /// </summary>
    public void Started(RunHandle run, string description)
    {
        Description = description;
        lock (this)
        {
            _instruments?.Dispose();
            _instruments = new RunInstruments(run.Metrics, run.Checkpoints, () => run.Registry.Version,
                () => (Interlocked.Read(ref _live), Interlocked.Read(ref _passivated)));
        }
        Volatile.Write(ref _run, run);
    }

    /// <summary>A cluster node that does not coordinate: the run's figures are on the coordinating node; series are asked through <paramref name="keyGroups"/>.</summary>
    public void Joined(KeyGroups keyGroups, string description)
    {
        Description = description;
        Volatile.Write(ref _keyGroups, keyGroups);
    }

    /// <summary>The series count the instruments report, taken by whoever polls the key groups.</summary>
    public void Counted(long live, long passivated)
    {
        Interlocked.Exchange(ref _live, live);
        Interlocked.Exchange(ref _passivated, passivated);
    }

    public void Dispose()
    {
        lock (this) _instruments?.Dispose();
    }
}
