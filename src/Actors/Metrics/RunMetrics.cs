using System.Diagnostics;
using RnnStream.Actors.Training;
using RnnStream.Feeds.Records;

namespace RnnStream.Actors.Metrics;

/// <summary>
/// Everything a run counts: scores per series and overall, ticks, rejects by reason, failures,
/// retrains, latency. The totals are recorded by one writer, the stream, without locks (it is on
/// the live path); each series' scores by the partition that owns it (<see cref="ScoresFor"/>),
/// where its state is already in the cache. The progress display reads totals that may be a moment
/// stale, and the per-series table is read when the run is over. Scores count only forecasts made
/// at or after <see cref="ScoreFromOffset"/>.
/// </summary>
public sealed class RunMetrics
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, SeriesScores> _series = new(StringComparer.Ordinal);
    private readonly Dictionary<RejectReason, long> _rejects = [];
    private readonly List<RetrainOutcome> _retrains = [];
    private readonly Lock _lock = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private long _predictions;
    private long _failures;
    private long _lastRejectedOffset = -1;
    private long _retrainsStarted;

    /// <param name="intervalZ">The z of the published intervals (series.interval-z), for scoring them against persistence's.</param>
    public RunMetrics(long scoreFromOffset = 0, double intervalZ = 1.96)
    {
        ScoreFromOffset = scoreFromOffset;
        IntervalZ = intervalZ;
        // Two-sided miss rate of a central interval of ±z standard deviations: 2 (1 − Φ(z)).
        IntervalAlpha = MathNet.Numerics.SpecialFunctions.Erfc(intervalZ / Math.Sqrt(2));
    }

    public long ScoreFromOffset { get; }
    public double IntervalZ { get; }
    public double IntervalAlpha { get; }

    /// <summary>
    /// The scored forecasts of all series as they come, for the progress display while the run goes
    /// on. Their last bits depend on the order the partitions delivered in; the run's report reads
    /// <see cref="PooledOverall"/>.
    /// </summary>
    public ForecastScore Overall { get; } = new();

    /// <summary>The overall scores from each series' sums, pooled in the ordinal order of their ids; read when the run is over.</summary>
    public OverallScores PooledOverall() => Pool(_series.OrderBy(entry => entry.Key, StringComparer.Ordinal).Select(entry => entry.Value));

    private static OverallScores Pool(IEnumerable<SeriesScores> series)
    {
        ForecastScore scored = new(), whole = new(), network = new();
        foreach (var scores in series)
        {
            scored.Add(scores.Scored);
            whole.Add(scores.Whole);
            network.Add(scores.Network);
        }
        return new OverallScores(scored, whole, network);
    }

    /// <summary>Standard deviation of a series' truth over the whole stream (NaN if unknown).</summary>
    public double TruthStdDev(string seriesId) => _series.TryGetValue(seriesId, out var scores) ? scores.Whole.TruthStdDev : double.NaN;

    /// <summary>NRMSE as the benchmark defines it: scored RMSE over the standard deviation of the whole truth series.</summary>
    public double Nrmse(string seriesId) => _series.TryGetValue(seriesId, out var scores) ? scores.Scored.NrmseOver(scores.Whole.TruthStdDev) : double.NaN;

    public LatencyHistogram Latency { get; } = new();
    public long Predictions => Volatile.Read(ref _predictions);
    public long Failures => Interlocked.Read(ref _failures);

    /// <summary>Retrains begun; more than the outcomes recorded means one is running now.</summary>
    public long RetrainsStarted => Interlocked.Read(ref _retrainsStarted);

    public void RetrainStarting() => Interlocked.Increment(ref _retrainsStarted);
    public long LastWeightsVersion { get; private set; }
    public TimeSpan Elapsed => _clock.Elapsed;

    public int SeriesCount => _series.Count;

    public long Rejected
    {
        get { lock (_lock) return _rejects.Values.Sum(); }
    }

    public IReadOnlyDictionary<RejectReason, long> RejectsByReason
    {
        get { lock (_lock) return new Dictionary<RejectReason, long>(_rejects); }
    }

    public IReadOnlyList<RetrainOutcome> Retrains
    {
        get { lock (_lock) return _retrains.ToArray(); }
    }

    /// <summary>Scores per series, copied into a new table on every call; read it when the run is over (the partitions write them without locks).</summary>
    public IReadOnlyDictionary<string, ForecastScore> PerSeries => _series.ToDictionary(entry => entry.Key, entry => entry.Value.Scored, StringComparer.Ordinal);

    /// <summary>Ticks between the router's inlet and their prediction's delivery, as the router last said.</summary>
    public InFlightGauge InFlight { get; } = new();

    /// <summary>Where each prediction's latency goes too, in seconds (the /metrics histogram); null: only the run's own histogram.</summary>
    public System.Diagnostics.Metrics.Histogram<double>? LatencyInstrument { get; set; }

    /// <summary>The series forecast here so far, in ordinal order.</summary>
    public IReadOnlyList<string> SeriesIds => _series.Keys.Order(StringComparer.Ordinal).ToList();

    /// <summary>A series' scores so far; null if it has none here.</summary>
    public ForecastScore? PerSeriesScore(string seriesId) => _series.TryGetValue(seriesId, out var scores) ? scores.Scored : null;

    /// <summary>The network's own score on a series so far, whichever forecast it published; null if it has none here.</summary>
    public ForecastScore? NetworkScore(string seriesId) => _series.TryGetValue(seriesId, out var scores) ? scores.Network : null;

    /// <summary>The scores of a series, made on first asking; the partition that owns the series asks once per activation and records into them.</summary>
    public SeriesScores ScoresFor(string seriesId) => _series.GetOrAdd(seriesId, static _ => new SeriesScores());

    /// <param name="deliveredAt">
    /// Stopwatch timestamp of the prediction's delivery, the end of its latency. The router reads
    /// the clock once for a delivered batch, not once per prediction: its predictions leave together.
    /// </param>
    public void Record(Prediction prediction, long deliveredAt)
    {
        if (prediction.IsFailed)
        {
            Interlocked.Increment(ref _failures);
            return;
        }
        Volatile.Write(ref _predictions, _predictions + 1);
        LastWeightsVersion = prediction.WeightsVersion;
        if (prediction.ReceivedAt != 0)
        {
            double microseconds = Stopwatch.GetElapsedTime(prediction.ReceivedAt, deliveredAt).TotalMicroseconds;
            Latency.Record(microseconds);
            LatencyInstrument?.Record(microseconds * 1e-6);
        }
        if (prediction.Matured is { } outcome && prediction.Offset >= ScoreFromOffset) Overall.Add(outcome);
    }

    public void Record(Rejected rejected)
    {
        lock (_lock) _rejects[rejected.Reason] = _rejects.GetValueOrDefault(rejected.Reason) + 1;
        Volatile.Write(ref _lastRejectedOffset, Math.Max(_lastRejectedOffset, rejected.Offset));
    }

    /// <summary>The feed position of the last record set aside; −1 before any.</summary>
    public long LastRejectedOffset => Volatile.Read(ref _lastRejectedOffset);

    public void Record(RetrainOutcome outcome)
    {
        lock (_lock) _retrains.Add(outcome);
    }

    public double TicksPerSecond => Predictions / Math.Max(1e-9, Elapsed.TotalSeconds);

    /// <summary>3: with the network's own scores (overall, then per series, after the rejects); 2 lacks them; 1 also lacks the interval comparison and each series' naive interval.</summary>
    private const byte ScoresFormat = 3;

    /// <summary>
    /// The scores and counts, for a checkpoint; called on the stream's thread with nothing in flight
    /// (every partition has scored its series' ticks before the cut, and no later one), so the
    /// bytes are exactly the scores of the predictions before the cut.
    /// </summary>
    public byte[] ExportScores()
    {
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(ScoresFormat);
            writer.Write(Predictions);
            writer.Write(Failures);
            var series = _series.ToArray();
            // These totals' slots stay so that the versions before can read the checkpoint; a resumed
            // run pools its own again from the series' sums, so their order (and sorting a million
            // ids on the stream's thread) does not matter here.
            var pooled = Pool(series.Select(entry => entry.Value));
            Overall.Write(writer);
            pooled.Whole.Write(writer);
            foreach (var part in new Func<SeriesScores, ForecastScore>[] { s => s.Scored, s => s.Whole })
            {
                writer.Write(series.Length);
                foreach (var (id, scores) in series)
                {
                    writer.Write(id);
                    part(scores).Write(writer);
                }
            }
            writer.Write(series.Count(s => s.Value.Naive is not null));
            foreach (var (id, scores) in series)
            {
                if (scores.Naive is null) continue;
                writer.Write(id);
                scores.Naive.Write(writer);
            }
            var rejects = RejectsByReason;
            writer.Write(rejects.Count);
            foreach (var (reason, count) in rejects)
            {
                writer.Write((int)reason);
                writer.Write(count);
            }
            pooled.Network.Write(writer);
            writer.Write(series.Length);
            foreach (var (id, scores) in series)
            {
                writer.Write(id);
                scores.Network.Write(writer);
            }
        }
        return buffer.ToArray();
    }

    /// <summary>Continues from a checkpoint's scores; before the stream starts.</summary>
    public void ImportScores(byte[] bytes)
    {
        using var reader = new BinaryReader(new MemoryStream(bytes), System.Text.Encoding.UTF8);
        byte format = reader.ReadByte();
        Model.Weights.FormatVersions.Check("metrics", format, 1, ScoresFormat);
        bool withIntervals = format >= 2;
        _predictions = reader.ReadInt64();
        _failures = reader.ReadInt64();
        Overall.Read(reader, withIntervals);
        // The whole stream's and the network's totals are pooled from the series' own (PooledOverall); the format keeps their slots.
        new ForecastScore().Read(reader, withIntervals);
        _series.Clear();
        foreach (var part in new Func<SeriesScores, ForecastScore>[] { s => s.Scored, s => s.Whole })
        {
            int count = reader.ReadInt32();
            for (int i = 0; i < count; i++) part(ScoresFor(reader.ReadString())).Read(reader, withIntervals);
        }
        if (withIntervals)
        {
            int naives = reader.ReadInt32();
            for (int i = 0; i < naives; i++) ScoresFor(reader.ReadString()).Naive = NaiveInterval.Read(reader);
        }
        int reasons = reader.ReadInt32();
        lock (_lock)
        {
            _rejects.Clear();
            for (int i = 0; i < reasons; i++) _rejects[(RejectReason)reader.ReadInt32()] = reader.ReadInt64();
        }
        // Older checkpoints have no network scores: the network's are then counted from the resume on.
        if (format < 3) return;
        new ForecastScore().Read(reader);
        int networks = reader.ReadInt32();
        for (int i = 0; i < networks; i++) ScoresFor(reader.ReadString()).Network.Read(reader);
    }
}
