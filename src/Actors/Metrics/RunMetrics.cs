using System.Diagnostics;
using RnnStream.Actors.Series;
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
    private long _retrainsStarted;

    public RunMetrics(long scoreFromOffset = 0) => ScoreFromOffset = scoreFromOffset;

    public long ScoreFromOffset { get; }
    public ForecastScore Overall { get; } = new();

    /// <summary>Every matured forecast, warm-up included: the truth's spread over the whole stream, which NRMSE is relative to.</summary>
    public ForecastScore WholeStream { get; } = new();

    /// <summary>Standard deviation of a series' truth over the whole stream (NaN if unknown).</summary>
    public double TruthStdDev(string seriesId) => _series.TryGetValue(seriesId, out var scores) ? scores.Whole.TruthStdDev : double.NaN;

    /// <summary>NRMSE as the benchmark defines it: scored RMSE over the standard deviation of the whole truth series.</summary>
    public double Nrmse(string seriesId) => PerSeries.TryGetValue(seriesId, out var score) ? score.NrmseOver(TruthStdDev(seriesId)) : double.NaN;

    public double OverallNrmse => Overall.NrmseOver(WholeStream.TruthStdDev);
    public LatencyHistogram Latency { get; } = new();
    public long Predictions => Volatile.Read(ref _predictions);
    public long Failures => Interlocked.Read(ref _failures);

    /// <summary>Retrains begun; more than the outcomes recorded means one is running now.</summary>
    public long RetrainsStarted => Interlocked.Read(ref _retrainsStarted);

    public void RetrainStarting() => Interlocked.Increment(ref _retrainsStarted);
    public long LastWeightsVersion { get; private set; }
    public TimeSpan Elapsed => _clock.Elapsed;

    public int SeriesCount => Volatile.Read(ref _seriesCount);

    private int _seriesCount;

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

    /// <summary>Scores per series; read it when the run is over (the partitions write them without locks).</summary>
    public IReadOnlyDictionary<string, ForecastScore> PerSeries => _series.ToDictionary(entry => entry.Key, entry => entry.Value.Scored, StringComparer.Ordinal);

    /// <summary>The scores of a series, made on first asking; the partition that owns the series asks once per activation and records into them.</summary>
    public SeriesScores ScoresFor(string seriesId)
    {
        if (_series.TryGetValue(seriesId, out var scores)) return scores;
        scores = new SeriesScores();
        if (_series.TryAdd(seriesId, scores))
        {
            Interlocked.Increment(ref _seriesCount);
            return scores;
        }
        return _series[seriesId];
    }

    public void Record(Prediction prediction)
    {
        if (FailedPrediction.IsFailure(prediction))
        {
            Interlocked.Increment(ref _failures);
            return;
        }
        Volatile.Write(ref _predictions, _predictions + 1);
        LastWeightsVersion = prediction.WeightsVersion;
        if (prediction.ReceivedAt != 0)
            Latency.Record(Stopwatch.GetElapsedTime(prediction.ReceivedAt).TotalMicroseconds);
        if (prediction.Matured is not { } outcome) return;
        ReadOnlySpan<float> actual = outcome.Actual, predicted = outcome.Predicted, lower = outcome.Lower, upper = outcome.Upper, persistence = outcome.Persistence;
        bool scored = prediction.Offset >= ScoreFromOffset;
        for (int k = 0; k < actual.Length; k++)
        {
            WholeStream.Add(actual[k], predicted[k], lower[k], upper[k], persistence[k]);
            if (scored) Overall.Add(actual[k], predicted[k], lower[k], upper[k], persistence[k]);
        }
    }

    public void Record(Rejected rejected)
    {
        lock (_lock) _rejects[rejected.Reason] = _rejects.GetValueOrDefault(rejected.Reason) + 1;
    }

    public void Record(RetrainOutcome outcome)
    {
        lock (_lock) _retrains.Add(outcome);
    }

    public double TicksPerSecond => Predictions / Math.Max(1e-9, Elapsed.TotalSeconds);

    private const byte ScoresFormat = 1;

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
            Overall.Write(writer);
            WholeStream.Write(writer);
            var series = _series.ToArray();
            foreach (var part in new Func<SeriesScores, ForecastScore>[] { s => s.Scored, s => s.Whole })
            {
                writer.Write(series.Length);
                foreach (var (id, scores) in series)
                {
                    writer.Write(id);
                    part(scores).Write(writer);
                }
            }
            var rejects = RejectsByReason;
            writer.Write(rejects.Count);
            foreach (var (reason, count) in rejects)
            {
                writer.Write((int)reason);
                writer.Write(count);
            }
        }
        return buffer.ToArray();
    }

    /// <summary>Continues from a checkpoint's scores; before the stream starts.</summary>
    public void ImportScores(byte[] bytes)
    {
        using var reader = new BinaryReader(new MemoryStream(bytes), System.Text.Encoding.UTF8);
        byte format = reader.ReadByte();
        if (format != ScoresFormat) throw new InvalidDataException($"metrics format {format} is not supported (this build reads {ScoresFormat})");
        _predictions = reader.ReadInt64();
        _failures = reader.ReadInt64();
        Overall.Read(reader);
        WholeStream.Read(reader);
        _series.Clear();
        _seriesCount = 0;
        foreach (var part in new Func<SeriesScores, ForecastScore>[] { s => s.Scored, s => s.Whole })
        {
            int count = reader.ReadInt32();
            for (int i = 0; i < count; i++) part(ScoresFor(reader.ReadString())).Read(reader);
        }
        int reasons = reader.ReadInt32();
        lock (_lock)
        {
            _rejects.Clear();
            for (int i = 0; i < reasons; i++) _rejects[(RejectReason)reader.ReadInt32()] = reader.ReadInt64();
        }
    }
}
