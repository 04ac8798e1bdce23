using System.Buffers;
using System.Text;
using Akka.Actor;
using Akka.Serialization;
using RnnStream.Actors.Training;
using RnnStream.Feeds.Records;

namespace RnnStream.Actors.Protocol;

/// <summary>
/// The wire format of the messages between the stream and the key groups, for when a key group
/// lives on another node: a short manifest names the message, its fields follow in a fixed binary
/// order. No type names are read, so nothing from the wire can make this process build anything else.
/// Arrays come from the shared pool, as the router rents them, so it can give them back alike.
/// </summary>
public sealed class ProtocolSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    private const string TicksManifest = "key-group-ticks.v1";
    private const string AnswersManifest = "key-group-answers.v1";
    private const string FailedManifest = "key-group-failed.v1";
    private const string AnswerToManifest = "answer-to.v1";
    private const string WindowsRequestManifest = "windows-request.v1";
    private const string WindowsReplyManifest = "windows-reply.v1";
    private const string StoreManifest = "store-key-group.v1";
    private const string StoredManifest = "key-group-stored.v1";
    private const string RestoreManifest = "restore-key-group.v1";
    private const string RestoredManifest = "key-group-restored.v1";
    private const string NodeResetManifest = "node-reset.v1";
    private const string SeriesQueryManifest = "series-query.v1";
    private const string SeriesUnknownManifest = "series-unknown.v1";
    private const string SeriesStatusManifest = "series-status.v1";
    private const string CountSeriesManifest = "count-series.v1";
    private const string SeriesCountsManifest = "series-counts.v1";
    private const string TcpArrivalsManifest = "tcp-arrivals.v2";

    /// <summary>
    /// How a run of TCP lines ends, one byte: 1 was the only end before its connection could close
    /// without waiting, and a node that reads the byte as a bool still takes 2 for an end, so nodes
    /// of either version read each other's.
    /// </summary>
    private const byte NotEnded = 0, EndedAwaitingAnswers = 1, EndedAndClosed = 2;

    public override int Identifier => 7_462;

    public override string Manifest(object o) => o switch
    {
        KeyGroupTicks => TicksManifest,
        KeyGroupAnswers => AnswersManifest,
        KeyGroupFailed => FailedManifest,
        AnswerTo => AnswerToManifest,
        WindowsRequest => WindowsRequestManifest,
        WindowsReply => WindowsReplyManifest,
        StoreKeyGroup => StoreManifest,
        KeyGroupStored => StoredManifest,
        RestoreKeyGroup => RestoreManifest,
        KeyGroupRestored => RestoredManifest,
        NodeReset => NodeResetManifest,
        SeriesQuery => SeriesQueryManifest,
        SeriesUnknown => SeriesUnknownManifest,
        SeriesStatus => SeriesStatusManifest,
        Series.SeriesPartition.CountSeries => CountSeriesManifest,
        Series.SeriesPartition.SeriesCounts => SeriesCountsManifest,
        Feeds.Sources.TcpArrivals => TcpArrivalsManifest,
        _ => throw new ArgumentException($"{o.GetType().Name} is not a message of the key-group protocol"),
    };

    public override byte[] ToBinary(object obj)
    {
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            switch (obj)
            {
                case KeyGroupTicks ticks:
                    writer.Write(ticks.KeyGroup);
                    writer.Write(ticks.WeightsVersion);
                    writer.Write(ticks.Count);
                    foreach (var tick in ticks.Ticks) WriteTick(writer, tick);
                    break;
                case KeyGroupAnswers answers:
                    writer.Write(answers.KeyGroup);
                    writer.Write(answers.Count);
                    foreach (var prediction in answers.Predictions) WritePrediction(writer, prediction);
                    break;
                case KeyGroupFailed failed:
                    writer.Write(failed.KeyGroup);
                    writer.Write(failed.Reason);
                    break;
                case AnswerTo:
                    break;
                case WindowsRequest request:
                    writer.Write(request.Cutoff?.ToBinary() ?? long.MinValue);
                    break;
                case WindowsReply reply:
                    writer.Write(reply.Windows.Count);
                    foreach (var window in reply.Windows) TrainingWindowFormat.Write(writer, window);
                    break;
                case StoreKeyGroup store:
                    writer.Write(store.Number);
                    writer.Write(Akka.Serialization.Serialization.SerializedActorPath(store.ReplyTo));
                    break;
                case KeyGroupStored stored:
                    writer.Write(stored.Number);
                    writer.Write(stored.KeyGroup);
                    writer.Write(stored.Failure is not null);
                    if (stored.Failure is { } failure) writer.Write(failure);
                    break;
                case RestoreKeyGroup restore:
                    writer.Write(restore.Number);
                    break;
                case KeyGroupRestored restored:
                    writer.Write(restored.KeyGroup);
                    writer.Write(restored.Number);
                    break;
                case NodeReset reset:
                    writer.Write(reset.Weights.Length);
                    writer.Write(reset.Weights);
                    writer.Write(reset.Windows.Count);
                    foreach (var window in reset.Windows) TrainingWindowFormat.Write(writer, window);
                    break;
                case SeriesQuery query:
                    writer.Write(query.SeriesId);
                    break;
                case SeriesUnknown unknown:
                    writer.Write(unknown.SeriesId);
                    break;
                case SeriesStatus status:
                    WriteStatus(writer, status);
                    break;
                case Series.SeriesPartition.CountSeries:
                    break;
                case Series.SeriesPartition.SeriesCounts counts:
                    writer.Write(counts.Active);
                    writer.Write(counts.Passivated);
                    break;
                case Feeds.Sources.TcpArrivals arrivals:
                    WriteArrivals(writer, arrivals);
                    break;
                default:
                    throw new ArgumentException($"{obj.GetType().Name} is not a message of the key-group protocol");
            }
        }
        if (obj is KeyGroupTicks sent) WireStats.TicksSent(sent.Count, (int)buffer.Length);
        return buffer.ToArray();
    }

    public override object FromBinary(byte[] bytes, string manifest)
    {
        using var reader = new BinaryReader(new MemoryStream(bytes), Encoding.UTF8);
        switch (manifest)
        {
            case TicksManifest:
            {
                int keyGroup = reader.ReadInt32();
                long version = reader.ReadInt64();
                int count = reader.ReadInt32();
                var ticks = ArrayPool<Tick>.Shared.Rent(Math.Max(count, 1));
                for (int i = 0; i < count; i++) ticks[i] = ReadTick(reader);
                return new KeyGroupTicks(keyGroup, ticks, count, version);
            }
            case AnswersManifest:
            {
                int keyGroup = reader.ReadInt32(), count = reader.ReadInt32();
                var predictions = new Prediction[count];
                for (int i = 0; i < count; i++) predictions[i] = ReadPrediction(reader);
                WireStats.AnswersReceived(count, bytes.Length);
                return new KeyGroupAnswers(keyGroup, predictions);
            }
            case FailedManifest:
                return new KeyGroupFailed(reader.ReadInt32(), reader.ReadString());
            case AnswerToManifest:
                return AnswerTo.Instance;
            case WindowsRequestManifest:
                return new WindowsRequest(reader.ReadInt64() is var cutoff && cutoff == long.MinValue ? null : DateTime.FromBinary(cutoff));
            case WindowsReplyManifest:
            {
                var windows = new TrainingWindow[reader.ReadInt32()];
                for (int i = 0; i < windows.Length; i++) windows[i] = TrainingWindowFormat.Read(reader, "a windows reply");
                return new WindowsReply(windows);
            }
            case StoreManifest:
                return new StoreKeyGroup(reader.ReadInt64(), system.Provider.ResolveActorRef(reader.ReadString()));
            case StoredManifest:
                return new KeyGroupStored(reader.ReadInt64(), reader.ReadInt32(), reader.ReadBoolean() ? reader.ReadString() : null);
            case RestoreManifest:
                return new RestoreKeyGroup(reader.ReadInt64());
            case RestoredManifest:
                return new KeyGroupRestored(reader.ReadInt32(), reader.ReadInt64());
            case NodeResetManifest:
            {
                var weights = reader.ReadBytes(reader.ReadInt32());
                var windows = new TrainingWindow[reader.ReadInt32()];
                for (int i = 0; i < windows.Length; i++) windows[i] = TrainingWindowFormat.Read(reader, "a node reset");
                return new NodeReset(weights, windows);
            }
            case SeriesQueryManifest:
                return new SeriesQuery(reader.ReadString());
            case SeriesUnknownManifest:
                return new SeriesUnknown(reader.ReadString());
            case SeriesStatusManifest:
                return ReadStatus(reader);
            case CountSeriesManifest:
                return Series.SeriesPartition.CountSeries.Instance;
            case SeriesCountsManifest:
                return new Series.SeriesPartition.SeriesCounts(reader.ReadInt32(), reader.ReadInt32());
            case TcpArrivalsManifest:
                return ReadArrivals(reader);
            default:
                throw new InvalidDataException($"unknown key-group message '{manifest}' (from a newer rnnstream?)");
        }
    }

    /// <summary>Each connection's way back once (a batch holds the runs of few connections), then every run by its connection's index: how it ends, if it does, then its lines, each flagged if its connection cut it off.</summary>
    private static void WriteArrivals(BinaryWriter writer, Feeds.Sources.TcpArrivals batch)
    {
        var connections = new Dictionary<IActorRef, int>();
        foreach (var run in batch.Runs) connections.TryAdd(run.Connection, connections.Count);
        writer.Write(connections.Count);
        foreach (var connection in connections.Keys) writer.Write(Akka.Serialization.Serialization.SerializedActorPath(connection));
        writer.Write(batch.Runs.Count);
        foreach (var run in batch.Runs)
        {
            writer.Write(connections[run.Connection]);
            writer.Write(run switch { { Ended: false } => NotEnded, { WayBackClosed: false } => EndedAwaitingAnswers, _ => EndedAndClosed });
            writer.Write(run.Count);
            for (int i = 0; i < run.Count; i++)
            {
                writer.Write(run.IsTruncated(i));
                writer.Write(run.Text(i));
            }
        }
    }

    private Feeds.Sources.TcpArrivals ReadArrivals(BinaryReader reader)
    {
        var connections = new IActorRef[reader.ReadInt32()];
        for (int i = 0; i < connections.Length; i++) connections[i] = system.Provider.ResolveActorRef(reader.ReadString());
        var runs = new Feeds.Sources.LineRun[reader.ReadInt32()];
        for (int i = 0; i < runs.Length; i++)
        {
            var connection = connections[reader.ReadInt32()];
            byte end = reader.ReadByte();
            var lines = new (string, bool)[reader.ReadInt32()];
            for (int line = 0; line < lines.Length; line++)
            {
                bool truncated = reader.ReadBoolean();
                lines[line] = (reader.ReadString(), truncated);
            }
            runs[i] = Feeds.Sources.LineRun.Of(connection, lines, ended: end != NotEnded, wayBackClosed: end == EndedAndClosed);
        }
        return new Feeds.Sources.TcpArrivals(runs);
    }

    private static void WriteStatus(BinaryWriter writer, SeriesStatus status)
    {
        writer.Write(status.SeriesId);
        writer.Write(status.Live);
        writer.Write(status.Ticks);
        writer.Write(status.LastTickTime.ToBinary());
        WriteStrings(writer, status.Features);
        WriteFloats(writer, status.LastValues);
        writer.Write(status.TargetTime?.ToBinary() ?? long.MinValue);
        WriteStrings(writer, status.Targets);
        WriteFloats(writer, status.Predicted);
        WriteFloats(writer, status.Lower);
        WriteFloats(writer, status.Upper);
        writer.Write(status.Forecaster);
        writer.Write(status.WeightsVersion);
        writer.Write(status.Scores is not null);
        if (status.Scores is not { } scores) return;
        writer.Write(scores.Count);
        writer.Write(scores.Mae);
        writer.Write(scores.Rmse);
        writer.Write(scores.Mase);
        writer.Write(scores.Coverage);
    }

    private static SeriesStatus ReadStatus(BinaryReader reader) => new(
        reader.ReadString(), reader.ReadBoolean(), reader.ReadInt64(), DateTime.FromBinary(reader.ReadInt64()), ReadStrings(reader), ReadFloats(reader),
        reader.ReadInt64() is var target && target == long.MinValue ? null : DateTime.FromBinary(target), ReadStrings(reader),
        ReadFloats(reader), ReadFloats(reader), ReadFloats(reader), reader.ReadString(), reader.ReadInt64(),
        reader.ReadBoolean() ? new SeriesScoreSummary(reader.ReadInt64(), reader.ReadDouble(), reader.ReadDouble(), reader.ReadDouble(), reader.ReadDouble()) : null);

    private static void WriteStrings(BinaryWriter writer, IReadOnlyList<string> values)
    {
        writer.Write(values.Count);
        foreach (string value in values) writer.Write(value);
    }

    private static string[] ReadStrings(BinaryReader reader)
    {
        var values = new string[reader.ReadInt32()];
        for (int i = 0; i < values.Length; i++) values[i] = reader.ReadString();
        return values;
    }

    private static void WriteTick(BinaryWriter writer, Tick tick)
    {
        writer.Write(tick.SeriesId);
        writer.Write(tick.Timestamp.ToBinary());
        writer.Write(tick.RawTimestamp);
        WriteFloats(writer, tick.Values);
        writer.Write(tick.Offset);
        WriteFormat(writer, tick.Format);
        writer.Write(tick.ReceivedAt);
    }

    private static Tick ReadTick(BinaryReader reader) => new(reader.ReadString(), DateTime.FromBinary(reader.ReadInt64()), reader.ReadString(),
        ReadFloats(reader), reader.ReadInt64(), ReadFormat(reader) ?? TimestampFormat.Seconds, reader.ReadInt64());

    private static void WritePrediction(BinaryWriter writer, Prediction prediction)
    {
        writer.Write(prediction.SeriesId);
        writer.Write(prediction.Timestamp);
        writer.Write(prediction.TargetTime?.ToBinary() ?? long.MinValue);
        WriteFormat(writer, prediction.Format);
        writer.Write(prediction.Features.Count);
        foreach (var feature in prediction.Features) writer.Write(feature);
        WriteFloats(writer, prediction.Values);
        writer.Write(prediction.WeightsVersion);
        writer.Write(prediction.Forecaster);
        writer.Write(prediction.ReceivedAt);
        writer.Write(prediction.Offset);
        writer.Write(prediction.Failure is not null);
        if (prediction.Failure is { } failure)
        {
            writer.Write(failure.ErrorType);
            writer.Write(failure.Message);
        }
    }

    private static Prediction ReadPrediction(BinaryReader reader)
    {
        string seriesId = reader.ReadString(), timestamp = reader.ReadString();
        long target = reader.ReadInt64();
        var format = ReadFormat(reader);
        var features = new string[reader.ReadInt32()];
        for (int i = 0; i < features.Length; i++) features[i] = reader.ReadString();
        var values = ReadFloats(reader);
        long version = reader.ReadInt64();
        string forecaster = reader.ReadString();
        long receivedAt = reader.ReadInt64(), offset = reader.ReadInt64();
        var failure = reader.ReadBoolean() ? new PredictionFailure(reader.ReadString(), reader.ReadString()) : null;
        return new Prediction(seriesId, timestamp, target == long.MinValue ? null : DateTime.FromBinary(target), format, features, values, version, forecaster,
            receivedAt, offset, failure);
    }

    /// <summary>0: none; 1: seconds; 2: a pattern, which follows.</summary>
    private static void WriteFormat(BinaryWriter writer, TimestampFormat? format)
    {
        if (format is null) writer.Write((byte)0);
        else if (ReferenceEquals(format, TimestampFormat.Seconds)) writer.Write((byte)1);
        else
        {
            writer.Write((byte)2);
            writer.Write(format.ToString());
        }
    }

    private static TimestampFormat? ReadFormat(BinaryReader reader) => reader.ReadByte() switch
    {
        0 => null,
        1 => TimestampFormat.Seconds,
        2 => TimestampFormat.Pattern(reader.ReadString()),
        var tag => throw new InvalidDataException($"unknown timestamp format tag {tag}"),
    };

    private static void WriteFloats(BinaryWriter writer, ReadOnlySpan<float> values)
    {
        writer.Write(values.Length);
        foreach (float value in values) writer.Write(value);
    }

    private static float[] ReadFloats(BinaryReader reader)
    {
        var values = new float[reader.ReadInt32()];
        for (int i = 0; i < values.Length; i++) values[i] = reader.ReadSingle();
        return values;
    }
}
