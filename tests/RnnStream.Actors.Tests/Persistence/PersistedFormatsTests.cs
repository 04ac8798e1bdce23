using Akka.Actor;
using RnnStream.Actors.Persistence;
using RnnStream.Actors.Series;
using Xunit;

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
        var commit = new CheckpointCommitted(8, 5_000, 14_970, 1_234_567, 3, 16);
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
        Assert.Equal(commit, RoundTrip(commit));
        Assert.Throws<InvalidDataException>(() => new PersistedRecordSerializer((ExtendedActorSystem)Sys).FromBinary([], "System.Object"));
    }
}
