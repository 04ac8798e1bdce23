using System.Diagnostics.Metrics;
using RnnStream.Actors.Persistence;

namespace RnnStream.Actors.Metrics;

/// <summary>
/// A run's figures as <see cref="System.Diagnostics.Metrics"/> instruments (meter
/// <see cref="MeterName"/>), for any exporter: most are read from the run's own counters when an
/// exporter collects, so they cost the stream nothing; the two histograms (tick latency, checkpoint
/// commit time) are recorded as they happen, cheaply when nobody listens.
/// </summary>
public sealed class RunInstruments : IDisposable
{
    public const string MeterName = "RnnStream";

    /// <summary>Bucket bounds of the latency histogram, in seconds: 50 µs to 5 s.</summary>
    private static readonly double[] LatencyBuckets = [50e-6, 100e-6, 250e-6, 500e-6, 1e-3, 2.5e-3, 5e-3, 10e-3, 25e-3, 50e-3, 100e-3, 250e-3, 500e-3, 1, 2.5, 5];

    private static readonly double[] CheckpointBuckets = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

    private readonly Meter _meter = new(MeterName);
    private readonly RunMetrics _metrics;
    private readonly CheckpointStats? _checkpoints;

    /// <param name="weightsVersion">The version the run forecasts with now.</param>
    /// <param name="series">Series live and passivated, as last counted (the count asks every key group, so it is taken off the stream's path).</param>
    public RunInstruments(RunMetrics metrics, CheckpointStats? checkpoints, Func<long> weightsVersion, Func<(long Live, long Passivated)> series)
    {
        _metrics = metrics;
        _checkpoints = checkpoints;
        _meter.CreateObservableCounter("rnnstream.ticks", () => metrics.Predictions, "{tick}", "Ticks forecast");
        _meter.CreateObservableCounter("rnnstream.failures", () => metrics.Failures, "{tick}", "Ticks that could not be forecast (each has its reason in the log)");
        _meter.CreateObservableCounter("rnnstream.rejects", () => metrics.RejectsByReason.Select(reject =>
            new Measurement<long>(reject.Value, new KeyValuePair<string, object?>("reason", reject.Key.ToString()))), "{record}", "Input records set aside, by reason");
        _meter.CreateObservableGauge("rnnstream.in_flight", () => metrics.InFlight.Ticks, "{tick}", "Ticks between the router and their prediction");
        metrics.LatencyInstrument = _meter.CreateHistogram("rnnstream.latency", "s", "From a tick's arrival to its prediction",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LatencyBuckets });
        _meter.CreateObservableCounter("rnnstream.retrains", () => Retrains(metrics), "{retrain}", "Retrains finished, by whether their candidate was promoted");
        _meter.CreateObservableGauge("rnnstream.weights.version", weightsVersion, "{version}", "The weights version forecasting now");
        _meter.CreateObservableGauge("rnnstream.series", () =>
        {
            var (live, passivated) = series();
            return new[] { Measurement(live, "state", "live"), Measurement(passivated, "state", "passivated") };
        }, "{series}", "Series in memory (live) and idle ones kept as bytes (passivated)");
        if (checkpoints is null) return;
        _meter.CreateObservableCounter("rnnstream.checkpoints", () => new[]
        {
            Measurement(checkpoints.CommittedCount, "outcome", "committed"),
            Measurement(checkpoints.FailedCount, "outcome", "failed"),
        }, "{checkpoint}", "Checkpoints committed or failed");
        checkpoints.DurationInstrument = _meter.CreateHistogram("rnnstream.checkpoint.duration", "s", "From a checkpoint's cut to its commit",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = CheckpointBuckets });
    }

    private static IEnumerable<Measurement<long>> Retrains(RunMetrics metrics)
    {
        var retrains = metrics.Retrains;
        long promoted = retrains.Count(r => r.WasPromoted);
        return [Measurement(promoted, "outcome", "promoted"), Measurement(retrains.Count - promoted, "outcome", "rejected")];
    }

    private static Measurement<long> Measurement(long value, string tag, string tagValue) => new(value, new KeyValuePair<string, object?>(tag, tagValue));

    public void Dispose()
    {
        _metrics.LatencyInstrument = null;
        if (_checkpoints is not null) _checkpoints.DurationInstrument = null;
        _meter.Dispose();
    }
}
