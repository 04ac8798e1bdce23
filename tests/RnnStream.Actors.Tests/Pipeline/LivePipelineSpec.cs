using Akka;
using Akka.Streams.Dsl;
using RnnStream.Actors.Pipeline;
using RnnStream.Actors.Series;
using RnnStream.Feeds.Parsing;
using RnnStream.Feeds.Records;
using RnnStream.Feeds.Sources;
using RnnStream.Model.Specs;
using RnnStream.Model.Weights;
using Xunit;

namespace RnnStream.Actors.Tests.Pipeline;

public sealed class LivePipelineSpec() : Akka.TestKit.Xunit2.TestKit(PipelineConfig.Config)
{
    [Fact]
    public async Task Bad_lines_are_quarantined_with_their_reason_and_the_stream_goes_on()
    {
        string[] lines =
        [
            "timestamp,series,a,b",
            "2024-01-01 00:00:00,s1,1.0,2.0",
            "2024-01-01 00:01:00,s1,abc,2.0",
            "2024-01-01 00:01:00,s1,1.5,NaN",
            "2024-01-01 00:01:00,s1,1.5",
            "2024-01-01 00:01:00,s2,1.5,2.5",
            "2024-01-01 00:02:00,s1,1.1,2.1",
            "2024-01-01 00:02:00,s2,1.6,2.6",
        ];
        var parser = new RecordParser(new FeedSchema { SeriesColumn = "series" });
        var feed = Source.From(lines.Select((text, i) => new RawLine(text, i))).Via(ParsingFlow.Create(parser));
        var settings = new PipelineSettings { Series = Harness.DefaultSettings };
        var weights = WeightInitializer.Initialize(new ModelSpec(2, [new LayerSpec(CellType.Gru, 4)], 1), 1);

        var predictions = new List<Prediction>();
        var rejects = new List<Rejected>();
        var run = LivePipeline.Run(Sys, feed, weights, settings,
            Sink.ForEach<Prediction>(predictions.Add).MapMaterializedValue(t => (Task)t),
            Sink.ForEach<Rejected>(rejects.Add).MapMaterializedValue(t => (Task)t));
        await run.Completion;

        Assert.Equal(4, predictions.Count);
        Assert.Equal([RejectReason.NonNumeric, RejectReason.NonFinite, RejectReason.MissingField], rejects.Select(r => r.Reason));
        Assert.Equal([2L, 3L, 4L], rejects.Select(r => r.Offset));
        Assert.Equal(3, run.Metrics.Rejected);
        Assert.Equal(4, run.Metrics.Predictions);
    }
}
