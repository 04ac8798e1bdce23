using Akka.Serialization;
using RnnStream.Actors.Pipeline;
using RnnStream.Actors.Protocol;
using RnnStream.Feeds.Records;
using Xunit;

namespace RnnStream.Actors.Tests.Protocol;

/// <summary>The key-group protocol through the serializer Akka finds for it (the one a remote hop uses): every field comes back.</summary>
public sealed class ProtocolSerializerTests() : Akka.TestKit.Xunit2.TestKit(PipelineConfig.Config)
{
    private T RoundTrip<T>(T message) where T : class
    {
        var serializer = Sys.Serialization.FindSerializerFor(message);
        Assert.IsType<ProtocolSerializer>(serializer);
        var bytes = serializer.ToBinary(message);
        return Assert.IsType<T>(Sys.Serialization.Deserialize(bytes, serializer.Identifier, Serialization.ManifestFor(serializer, message)));
    }

    [Fact]
    public void Ticks_answers_failures_and_windows_come_back_field_for_field()
    {
        var ticks = Ticks.Interleaved(["a", "β"], 3).ToArray();
        var sent = new KeyGroupTicks(7, [.. ticks, null!, null!], ticks.Length, weightsVersion: 4);
        var back = RoundTrip(sent);
        Assert.Equal(7, back.KeyGroup);
        Assert.Equal(4, back.WeightsVersion);
        Assert.Equal(ticks.Length, back.Count);
        for (int i = 0; i < ticks.Length; i++)
        {
            var (expected, actual) = (ticks[i], back.Ticks[i]);
            Assert.Equal((expected.SeriesId, expected.Timestamp, expected.RawTimestamp, expected.Offset, expected.ReceivedAt),
                (actual.SeriesId, actual.Timestamp, actual.RawTimestamp, actual.Offset, actual.ReceivedAt));
            Assert.Equal(expected.Values, actual.Values);
            Assert.Equal(expected.Format.ToString(), actual.Format.ToString());
        }

        string[] features = ["close", "volume"];
        var forecast = new Prediction("a", "2024-01-01 00:03:00", new DateTime(2024, 1, 1, 0, 4, 0), Ticks.Format, features,
            [1.5f, 2.5f, 1f, 2f, 2f, 3f, 0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f, 0.7f, 0.8f, 0.9f, 1.0f, 1.1f, 1.2f], 3, "network", 12345, 42);
        var failed = new Prediction("β", "2024-01-01 00:03:00", null, null, features, [0, 0, 0, 0, 0, 0], 3, "none", 1, 43,
            new PredictionFailure("InvalidOperationException", "broken"));
        var answers = RoundTrip(new KeyGroupAnswers(7, [forecast, failed]));
        Assert.Equal(2, answers.Count);
        foreach (var (expected, actual) in new[] { forecast, failed }.Zip(answers.Predictions.ToArray()))
        {
            Assert.Equal((expected.SeriesId, expected.Timestamp, expected.TargetTime, expected.TargetTimestamp, expected.WeightsVersion, expected.Forecaster, expected.ReceivedAt, expected.Offset),
                (actual.SeriesId, actual.Timestamp, actual.TargetTime, actual.TargetTimestamp, actual.WeightsVersion, actual.Forecaster, actual.ReceivedAt, actual.Offset));
            Assert.Equal(expected.Features, actual.Features);
            Assert.Equal(expected.Values.ToArray(), actual.Values.ToArray());
            Assert.Equal(expected.Failure, actual.Failure);
        }

        Assert.Equal(new KeyGroupFailed(3, "NullReferenceException on TakeSnapshot"), RoundTrip(new KeyGroupFailed(3, "NullReferenceException on TakeSnapshot")));
        Assert.Same(AnswerTo.Instance, RoundTrip(AnswerTo.Instance));
        Assert.Equal(new SeriesQuery("β"), RoundTrip(new SeriesQuery("β")));
        Assert.Equal(new SeriesUnknown("x"), RoundTrip(new SeriesUnknown("x")));
        Assert.Same(RnnStream.Actors.Series.SeriesPartition.CountSeries.Instance, RoundTrip(RnnStream.Actors.Series.SeriesPartition.CountSeries.Instance));
        Assert.Equal(new RnnStream.Actors.Series.SeriesPartition.SeriesCounts(3, 4), RoundTrip(new RnnStream.Actors.Series.SeriesPartition.SeriesCounts(3, 4)));
        foreach (var status in new[]
        {
            new SeriesStatus("a", true, 12, new DateTime(2024, 1, 1, 0, 3, 0), features, [1.5f, 7f], new DateTime(2024, 1, 1, 0, 4, 0), ["close"],
                [1.25f], [1f], [1.5f], "rnn+ridge", 3, new SeriesScoreSummary(11, 0.5, 0.75, 0.9, 0.95)),
            new SeriesStatus("b", false, 1, new DateTime(2024, 1, 1), features, [2f, 8f], null, ["close"], [2f], [2f], [2f], "persistence", 0, null),
        })
        {
            var statusBack = RoundTrip(status);
            Assert.Equal((status.SeriesId, status.Live, status.Ticks, status.LastTickTime, status.TargetTime, status.Forecaster, status.WeightsVersion, status.Scores),
                (statusBack.SeriesId, statusBack.Live, statusBack.Ticks, statusBack.LastTickTime, statusBack.TargetTime, statusBack.Forecaster, statusBack.WeightsVersion, statusBack.Scores));
            Assert.Equal(status.Features, statusBack.Features);
            Assert.Equal(status.Targets, statusBack.Targets);
            Assert.Equal(status.LastValues, statusBack.LastValues);
            Assert.Equal(status.Predicted.Concat(status.Lower).Concat(status.Upper), statusBack.Predicted.Concat(statusBack.Lower).Concat(statusBack.Upper));
        }
        Assert.Equal(new WindowsRequest(new DateTime(2024, 3, 1)), RoundTrip(new WindowsRequest(new DateTime(2024, 3, 1))));
        Assert.Equal(new WindowsRequest(null), RoundTrip(new WindowsRequest(null)));
        var window = new RnnStream.Actors.Training.TrainingWindow("a", new DateTime(2024, 1, 1, 0, 3, 0), [1, 2, 3, 4], [5, 6], 2);
        var windowBack = Assert.Single(RoundTrip(new WindowsReply([window])).Windows);
        Assert.Equal((window.SeriesId, window.EndTime, window.Steps), (windowBack.SeriesId, windowBack.EndTime, windowBack.Steps));
        Assert.Equal(window.Inputs, windowBack.Inputs);
        Assert.Equal(window.Targets, windowBack.Targets);

        Assert.Equal(new StoreKeyGroup(12, TestActor), RoundTrip(new StoreKeyGroup(12, TestActor)));
        Assert.Equal(new KeyGroupStored(12, 5), RoundTrip(new KeyGroupStored(12, 5)));
        Assert.Equal(new KeyGroupStored(12, 5, "disk full"), RoundTrip(new KeyGroupStored(12, 5, "disk full")));
        Assert.Equal(new RestoreKeyGroup(9), RoundTrip(new RestoreKeyGroup(9)));
        Assert.Equal(new KeyGroupRestored(4, 9), RoundTrip(new KeyGroupRestored(4, 9)));
        var reset = RoundTrip(new NodeReset([1, 2, 3], [window]));
        Assert.Equal([1, 2, 3], reset.Weights);
        Assert.Equal(window.Inputs, Assert.Single(reset.Windows).Inputs);
    }

    [Fact]
    public void Lines_another_nodes_listener_took_in_come_back_in_order_with_each_connections_way_back()
    {
        var other = CreateTestProbe().Ref;
        var sent = new RnnStream.Feeds.Sources.TcpArrivals([
            RnnStream.Feeds.Sources.LineRun.Of(TestActor, [("{\"a\":1}", false), ("é,2", false)]),
            RnnStream.Feeds.Sources.LineRun.Of(other, [("x,y", true)], ended: true),
            RnnStream.Feeds.Sources.LineRun.Of(TestActor, [], ended: true, wayBackClosed: true)]);
        var back = RoundTrip(sent);
        Assert.Equal(Described(sent), Described(back));
        Assert.Equal([TestActor, other, TestActor], back.Runs.Select(run => run.Connection));
        Assert.Equal([false, false, true], back.Runs.Select(run => run.WayBackClosed));
    }

    private static IEnumerable<string> Described(RnnStream.Feeds.Sources.TcpArrivals arrivals) =>
        arrivals.Runs.Select(run => $"{run.Connection.Path} ended {run.Ended}, way back closed {run.WayBackClosed}: " +
                                    string.Join(" | ", Enumerable.Range(0, run.Count).Select(i => $"{run.Text(i)} truncated {run.IsTruncated(i)}")));
}
