using System.Text;
using RnnStream.Feeds.Records;
using RnnStream.Feeds.Sinks;
using RnnStream.Feeds.Sources;
using RnnStream.Feeds.Tests.Sinks;
using Xunit;

namespace RnnStream.Feeds.Tests.Sources;

/// <summary>Predictions back to the clients that sent their ticks: a batch's lines for a client as one write, in the batch's order.</summary>
public sealed class TcpRepliesSpec() : Akka.TestKit.Xunit2.TestKit()
{
    [Fact]
    public void Each_client_gets_the_lines_of_its_own_ticks_in_one_write_per_batch_and_nothing_of_the_others()
    {
        var acks = new TcpAcks();
        var replies = new TcpReplies();
        var (first, second) = (acks.Open(), acks.Open());
        var (firstSocket, secondSocket) = (CreateTestProbe(), CreateTestProbe());
        first.Attach(firstSocket.Ref);
        second.Attach(secondSocket.Ref);
        // Feed positions 0-2 and 5-7 came from the first client, 3-4 from the second.
        replies.Arrived(0, first);
        replies.Arrived(3, second);
        replies.Arrived(5, first);
        var predictions = Enumerable.Range(0, 8).Select(i => SamplePredictions.Numbered(i)).ToArray();
        // Key groups answer in their own order, not the feed's.
        int[] order = [6, 0, 3, 1, 7, 4, 2, 5];

        replies.Send(PredictionBatch.Of(order.Select(i => predictions[i]).ToArray()));
        Assert.Equal(order.Where(i => i is < 3 or >= 5).Select(i => PredictionFormats.ToJson(predictions[i])), Lines(firstSocket.ExpectMsg<object>()));
        Assert.Equal(order.Where(i => i is 3 or 4).Select(i => PredictionFormats.ToJson(predictions[i])), Lines(secondSocket.ExpectMsg<object>()));

        // A batch with none of the first client's ticks writes nothing to it.
        replies.Send(PredictionBatch.Of(predictions[4], predictions[3]));
        Assert.Equal([PredictionFormats.ToJson(predictions[4]), PredictionFormats.ToJson(predictions[3])], Lines(secondSocket.ExpectMsg<object>()));
        firstSocket.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        secondSocket.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    /// <summary>A write to a connection reached by its actor (as from another node): the lines in UTF-8, in a copy of their own.</summary>
    private static string[] Lines(object write)
    {
        string text = Encoding.UTF8.GetString(Assert.IsType<byte[]>(write));
        Assert.EndsWith("\n", text);
        return text[..^1].Split('\n');
    }
}
