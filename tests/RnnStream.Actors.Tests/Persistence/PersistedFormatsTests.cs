using Akka.Actor;
using RnnStream.Actors.Persistence;
using RnnStream.Actors.Series;
using Xunit;

using RnnStream.Actors.Training;

namespace RnnStream.Actors.Tests.Persistence;

public sealed class PersistedFormatsTests() : Akka.TestKit.Xunit2.TestKit(PersistenceConfig.RecordSerialization)
{
    [Fact]
    public void A_pipeline_cut_reads_back_field_for_field_and_bit_for_bit()
    {
        var random = new Random(5);
        float[] Floats(int n) => Enumerable.Range(0, n).Select(_ => (float)random.NextDouble() * 10 - 5).Append(float.Epsilon).ToArray();
        var windows = Enumerable.Range(0, 7).Select(i => new TrainingWindow($"série-{i}", new DateTime(2024, 3, 1).AddMinutes(i), Floats(12), Floats(3), 4)).ToArray();
        var cut = new PipelineCut(17, 123_456, 2, 987_654, 42, new DateTime(2024, 3, 4), 9, 16, windows);

        var back = PipelineCut.FromBytes(cut.ToBytes());

        Assert.Equal(cut with { ReplayWindows = [] }, back with { ReplayWindows = [] });
        Assert.Equal(windows.Length, back.ReplayWindows.Count);
        for (int i = 0; i < windows.Length; i++)
        {
            Assert.Equal((windows[i].SeriesId, windows[i].EndTime, windows[i].Steps), (back.ReplayWindows[i].SeriesId, back.ReplayWindows[i].EndTime, back.ReplayWindows[i].Steps));
            Assert.Equal(windows[i].Inputs, back.ReplayWindows[i].Inputs);
            Assert.Equal(windows[i].Targets, back.ReplayWindows[i].Targets);
        }
        Assert.Null(PipelineCut.FromBytes((cut with { NextRetrainTrigger = null }).ToBytes()).NextRetrainTrigger);
    }

    [Fact]
    public void Journal_records_go_through_our_serializer_by_manifest_and_come_back_equal()
    {
        var weights = new WeightsPromoted(3, [1, 2, 3, 250]);
        var commit = new CheckpointCommitted(8, 5_000, 14_970, 1_234_567, 3, 16) { OutputSha256 = System.Security.Cryptography.SHA256.HashData("rows"u8) };
        var serialization = Sys.Serialization;

        object RoundTrip(object record)
        {
            var serializer = serialization.FindSerializerFor(record);
            Assert.IsType<PersistedRecordSerializer>(serializer);
            return serialization.Deserialize(serializer.ToBinary(record), serializer.Identifier, Akka.Serialization.Serialization.ManifestFor(serializer, record));
        }

        var weightsBack = Assert.IsType<WeightsPromoted>(RoundTrip(weights));
        Assert.Equal(weights.Version, weightsBack.Version);
        Assert.Equal(weights.Weights, weightsBack.Weights);
        var commitBack = Assert.IsType<CheckpointCommitted>(RoundTrip(commit));
        Assert.Equal(commit.OutputSha256, commitBack.OutputSha256);
        Assert.Equal(commit with { OutputSha256 = [] }, commitBack with { OutputSha256 = [] });
        Assert.Throws<InvalidDataException>(() => new PersistedRecordSerializer((ExtendedActorSystem)Sys).FromBinary([], "System.Object"));
    }

    /// <summary>Format version 99: what a later release might write. Each reader must refuse it in words, not misread it.</summary>
    [Fact]
    public void Every_reader_refuses_a_format_newer_than_it_knows_with_a_message_that_says_so()
    {
        var cut = new PipelineCut(1, 10, 0, 10, 0, null, 0, 16, []).ToBytes();
        var snapshot = PartitionSnapshot.Write([new KeyValuePair<string, StoredSeries>("a", new StoredSeries([1, 2, 3], new DateTime(2024, 1, 1)))]);
        var metrics = new RnnStream.Actors.Metrics.RunMetrics(0, 1.96).ExportScores();
        var harness = new Harness(Sys);
        var state = SeriesStateSerializer.Write(harness.Context.Forecaster.CreateState("a", harness.Registry.Current));
        byte[] Newer(byte[] bytes) => [99, .. bytes[1..]];

        var errors = new (string Format, Action Read)[]
        {
            ("checkpoint", () => PipelineCut.FromBytes(Newer(cut))),
            ("partition snapshot", () => PartitionSnapshot.Read(Newer(snapshot))),
            ("metrics", () => new RnnStream.Actors.Metrics.RunMetrics(0, 1.96).ImportScores(Newer(metrics))),
            ("series state", () => SeriesStateSerializer.Read(Newer(state), harness.Settings, harness.Registry.Current.StateLayout)),
        };
        foreach (var (format, read) in errors)
        {
            var error = Assert.Throws<InvalidDataException>(read);
            Assert.StartsWith($"{format} format 99 was written by a newer rnnstream; this build reads formats ", error.Message);
        }

        var serializer = (Akka.Serialization.SerializerWithStringManifest)Sys.Serialization.FindSerializerFor(new CheckpointCommitted(1, 2, 3, 4, 5, 6));
        var journal = Assert.Throws<InvalidDataException>(() => serializer.FromBinary([0], "checkpoint-committed.v4"));
        Assert.StartsWith("journal record 'checkpoint-committed.v4' was written by a newer rnnstream", journal.Message);
    }
}
