using RnnStream.Feeds.Records;
using RnnStream.Feeds.Tests.Sinks;
using Xunit;

namespace RnnStream.Feeds.Tests.Records;

public sealed class PredictionBatchTests
{
    private static Prediction Failed(int offset) =>
        new("s", "t", null, null, [], [], -1, "none", 0, offset, new PredictionFailure("ArgumentException", "three values, the feed has two"));

    [Fact]
    public void A_batch_without_failures_is_its_own_output_and_walks_its_predictions_in_order()
    {
        var predictions = Enumerable.Range(0, 5).Select(i => SamplePredictions.Numbered(i)).ToArray();
        var batch = new PredictionBatch(predictions, 4);

        Assert.Same(batch, batch.WithoutFailures());
        var walked = new List<Prediction>();
        foreach (var prediction in batch) walked.Add(prediction);
        Assert.Equal(predictions.Take(4), walked);
        Assert.Equal(predictions.Take(4), batch.AsEnumerable());
        Assert.Throws<ArgumentOutOfRangeException>(() => batch[4]);
    }

    [Fact]
    public void Failed_predictions_are_left_out_of_the_output_and_the_rest_keep_their_order()
    {
        var batch = PredictionBatch.Of(SamplePredictions.Numbered(1), Failed(2), SamplePredictions.Numbered(3), Failed(4));

        Assert.Equal(2, batch.Failed);
        var written = batch.WithoutFailures();
        Assert.Equal(0, written.Failed);
        Assert.Equal([1L, 3L], written.Select(p => p.Offset));
        Assert.Equal(4, batch.Count);
    }

    [Fact]
    public void A_count_or_failure_count_the_array_cannot_hold_is_refused()
    {
        var predictions = new[] { SamplePredictions.Numbered(1) };
        Assert.Throws<ArgumentOutOfRangeException>(() => new PredictionBatch(predictions, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => new PredictionBatch(predictions, 1, failed: 2));
    }
}
