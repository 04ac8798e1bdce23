using Akka;
using Akka.Actor;
using Akka.Streams.Dsl;
using RnnStream.Feeds.Records;
using RnnStream.Feeds.Sinks;
using RnnStream.Host.Configuration;

namespace RnnStream.Host.Running;

/// <summary>The sinks a deployment names: predictions (CSV, JSON lines, console, TCP) and the quarantine file.</summary>
internal static class OutputFactory
{
    /// <param name="tap">Sees every batch of predictions before the sink does; null for none.</param>
    public static Sink<PredictionBatch, Task> Predictions(Deployment deployment, Action<PredictionBatch>? tap = null) =>
        WithTap(Predictions(deployment), tap);

    /// <summary>
    /// The predictions sink of a run that keeps durable state: a file continues from the length the
    /// last checkpoint committed (zero when fresh), and answers later checkpoints through the
    /// returned commits; other outputs (a device, the console, a socket) cannot be cut back, so they
    /// have no commits (at least once).
    /// </summary>
    public static (Sink<PredictionBatch, Task> Sink, OutputCommits? Commits) Durable(Deployment deployment,
        Actors.Persistence.CheckpointCommitted? last, Action<PredictionBatch>? tap = null)
    {
        if (deployment.PredictionsPath is not { } path || deployment.OutputFormat is not ("csv" or "jsonl") || DevicePath.Is(path))
            return (Predictions(deployment, tap), null);
        var commits = new OutputCommits { Initial = last?.PredictionsWritten ?? 0 };
        var sink = deployment.OutputFormat == "csv"
            ? TextFileSink.Continuing(path, PredictionFormats.Each(PredictionFormats.CsvWriterFor(ContinuedHeader(path, last))), PredictionFormats.CsvHeader, last?.OutputLength ?? 0, commits,
                deployment.FlushEvery, CountOf, GiveBack)
            : TextFileSink.Continuing(path, PredictionFormats.Each(PredictionFormats.WriteJson), null, last?.OutputLength ?? 0, commits, deployment.FlushEvery, CountOf, GiveBack);
        return (WithTap(sink, tap), commits);
    }

    /// <summary>The first line of a predictions file a checkpoint committed part of; null when it starts afresh.</summary>
    private static string? ContinuedHeader(string path, Actors.Persistence.CheckpointCommitted? last) =>
        last is { OutputLength: > 0 } && File.Exists(path) ? File.ReadLines(path).FirstOrDefault() : null;

    /// <summary>Two taps in a row: <paramref name="first"/> (if any), then <paramref name="next"/>.</summary>
    public static Action<Prediction> Then(this Action<Prediction>? first, Action<Prediction> next) =>
        first is null ? next : prediction =>
        {
            first(prediction);
            next(prediction);
        };

    /// <summary>A tap of single predictions made a tap of the stream's batches: each prediction in turn, in the batch's order.</summary>
    public static Action<PredictionBatch> EachOf(Action<Prediction> tap) => batch =>
    {
        foreach (var prediction in batch) tap(prediction);
    };

    /// <summary>
    /// The tap sees each batch, and the batch goes on to the sink as it came. A tap keeps none of
    /// its predictions (it copies what it needs): the sink gives the batch back to its pool once
    /// written, and its predictions are made again for later ticks.
    /// </summary>
    public static Sink<PredictionBatch, Task> WithTap(Sink<PredictionBatch, Task> sink, Action<PredictionBatch>? tap) =>
        tap is null ? sink : Flow.Create<PredictionBatch>().Select(batch =>
        {
            tap(batch);
            return batch;
        }).ToMaterialized(sink, Keep.Right);

    /// <summary>Checkpoints count what the output wrote in predictions, not in the stream's batches.</summary>
    private static readonly Func<PredictionBatch, int> CountOf = batch => batch.Count;

    /// <summary>What the outputs that write a batch out (or drop it) do with it then: they keep none of its predictions.</summary>
    private static readonly Action<PredictionBatch> GiveBack = batch => batch.GiveBack();

    /// <summary>No output (<c>output.format = none</c>): each batch goes straight back to its pool.</summary>
    public static Sink<PredictionBatch, Task> Nowhere { get; } = Sink.ForEach(GiveBack).MapMaterializedValue(done => (Task)done);

    private static Sink<PredictionBatch, Task> Predictions(Deployment deployment) => deployment.OutputFormat switch
    {
        "csv" when deployment.PredictionsPath is { } path => TextFileSink.ToFile(path, PredictionFormats.Each(PredictionFormats.WriteCsv), PredictionFormats.CsvHeader, flushEvery: deployment.FlushEvery, countOf: CountOf,
            written: GiveBack),
        "jsonl" when deployment.PredictionsPath is { } path => TextFileSink.ToFile(path, PredictionFormats.Each(PredictionFormats.WriteJson), flushEvery: deployment.FlushEvery, countOf: CountOf, written: GiveBack),
        "console" => TextFileSink.Create(() => new KeepOpenWriter(Console.Out), PredictionFormats.Each(PredictionFormats.WriteCsv), PredictionFormats.CsvHeader, flushEvery: deployment.FlushEvery,
            countOf: CountOf, written: GiveBack),
        "tcp" => TcpPredictionSink.Create(deployment.OutputTcpHost, deployment.OutputTcpPort),
        "none" or "csv" or "jsonl" => Nowhere,
        var other => throw new ArgumentException($"output.format '{other}' is not csv, jsonl, console, tcp or none"),
    };

    /// <summary>Where rejects go: the quarantine file, if the deployment names one.</summary>
    public static Sink<Rejected, Task> Quarantine(Deployment deployment) => deployment.QuarantinePath is { } path
        ? QuarantineCap.Create(deployment.QuarantineMaxBytes).ToMaterialized(TextFileSink.ToFile<Rejected>(path, PredictionFormats.WriteRejected, flushEvery: deployment.FlushEvery), Keep.Right)
        : Sink.Ignore<Rejected>().MapMaterializedValue(t => (Task)t);

    /// <summary>Lets a sink "close" the console without closing the process's standard output.</summary>
    private sealed class KeepOpenWriter(TextWriter inner) : TextWriter
    {
        public override System.Text.Encoding Encoding => inner.Encoding;
        public override void Write(char value) => inner.Write(value);
        public override void Write(string? value) => inner.Write(value);
        public override void Flush() => inner.Flush();
        protected override void Dispose(bool disposing) => inner.Flush();
    }
}
