using System.Diagnostics;
using RnnStream.Actors.Series;
using RnnStream.Actors.Training;
using RnnStream.Feeds.Records;

namespace RnnStream.Actors.Metrics;

/// <summary>
/// Everything a run counts: scores per series and overall, ticks, rejects by reason, failures,
/// retrains, latency. Predictions are recorded by one writer, the stream, without locks (it is on
/// the live path); the progress display reads totals that may be a moment stale, and the
/// per-series table is read when the run is over. Scores count only forecasts made at or after
/// <see cref="ScoreFromOffset"/>.
/// </summary>
public sealed class RunMetrics
{
    private readonly Dictionary<string, ForecastScore> _perSeries = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ForecastScore> _wholeSeries = new(StringComparer.Ordinal);
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
    public double TruthStdDev(string seriesId) => _wholeSeries.TryGetValue(seriesId, out var score) ? score.TruthStdDev : double.NaN;

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

    /// <summary>Scores per series; read it when the run is over (the stream writes it without locks).</summary>
    public IReadOnlyDictionary<string, ForecastScore> PerSeries => _perSeries;

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
        if (!_perSeries.TryGetValue(prediction.SeriesId, out var score))
        {
            _perSeries[prediction.SeriesId] = score = new ForecastScore();
            Volatile.Write(ref _seriesCount, _perSeries.Count);
        }
        if (prediction.Matured is { } whole)
        {
            if (!_wholeSeries.TryGetValue(prediction.SeriesId, out var wholeScore))
                _wholeSeries[prediction.SeriesId] = wholeScore = new ForecastScore();
            for (int k = 0; k < whole.Count; k++)
            {
                wholeScore.Add(whole.Actual[k], whole.Predicted[k], whole.Lower[k], whole.Upper[k], whole.Persistence[k]);
                WholeStream.Add(whole.Actual[k], whole.Predicted[k], whole.Lower[k], whole.Upper[k], whole.Persistence[k]);
            }
        }
        if (prediction.Matured is { } outcome && prediction.Offset >= ScoreFromOffset)
        {
            ReadOnlySpan<float> actual = outcome.Actual, predicted = outcome.Predicted, lower = outcome.Lower, upper = outcome.Upper, persistence = outcome.Persistence;
            for (int k = 0; k < actual.Length; k++)
            {
                score.Add(actual[k], predicted[k], lower[k], upper[k], persistence[k]);
                Overall.Add(actual[k], predicted[k], lower[k], upper[k], persistence[k]);
            }
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
    /// The scores and counts, for a checkpoint; called on the stream's thread (the writer), so the
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
            foreach (var table in new[] { _perSeries, _wholeSeries })
            {
                writer.Write(table.Count);
                foreach (var (id, score) in table)
                {
                    writer.Write(id);
                    score.Write(writer);
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
        foreach (var table in new[] { _perSeries, _wholeSeries })
        {
            table.Clear();
            int count = reader.ReadInt32();
            for (int i = 0; i < count; i++)
            {
                string id = reader.ReadString();
                var score = new ForecastScore();
                score.Read(reader);
                table[id] = score;
            }
        }
        _seriesCount = _perSeries.Count;
        int reasons = reader.ReadInt32();
        lock (_lock)
        {
            _rejects.Clear();
            for (int i = 0; i < reasons; i++) _rejects[(RejectReason)reader.ReadInt32()] = reader.ReadInt64();
        }
    }
}
