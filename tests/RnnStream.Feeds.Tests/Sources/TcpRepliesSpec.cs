using System.Text;
using System.Text.Json;
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
        var replies = new TcpReplies();
        var (first, firstSocket, second, secondSocket) = TwoClients();
        // Feed positions 0-2 and 5-7 came from the first client, 3-4 from the second.
        replies.Arrived(0, 3, first);
        replies.Arrived(3, 2, second);
        replies.Arrived(5, 3, first);
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

    [Fact]
    public void A_rejected_line_goes_back_to_its_own_client_with_its_number_on_that_connection_its_reason_and_its_text()
    {
        var replies = new TcpReplies();
        var (first, firstSocket, second, secondSocket) = TwoClients();
        // The first client's lines 1-3 took positions 0-2 and its lines 4-5 positions 6-7; the second's 1-3 positions 3-5.
        replies.Arrived(0, 3, first);
        replies.Arrived(3, 3, second);
        replies.Arrived(6, 2, first);

        replies.Reject(new Rejected("x,\"quoted\"", RejectReason.NonNumeric, "close is not a number", 7));
        var back = JsonDocument.Parse(Assert.Single(Lines(firstSocket.ExpectMsg<object>()))).RootElement.GetProperty("rejected");
        Assert.Equal(5, back.GetProperty("line").GetInt64());
        Assert.Equal("NonNumeric", back.GetProperty("reason").GetString());
        Assert.Equal("close is not a number", back.GetProperty("detail").GetString());
        Assert.Equal("x,\"quoted\"", back.GetProperty("raw").GetString());

        replies.Reject(new Rejected("", RejectReason.EmptyLine, "empty", 4));
        Assert.Equal(2, JsonDocument.Parse(Assert.Single(Lines(secondSocket.ExpectMsg<object>()))).RootElement.GetProperty("rejected").GetProperty("line").GetInt64());
        firstSocket.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void A_connection_that_ended_is_told_once_every_line_it_sent_has_had_its_reply_and_not_before()
    {
        var acks = new TcpAcks();
        var replies = new TcpReplies();
        var client = acks.Open();
        var socket = CreateTestProbe();
        client.Attach(socket.Ref);
        replies.Arrived(0, 3, client);
        var predictions = Enumerable.Range(0, 3).Select(i => SamplePredictions.Numbered(i)).ToArray();

        replies.Send(PredictionBatch.Of(predictions[0]));
        Assert.Single(Lines(socket.ExpectMsg<object>()));
        // Its client has closed the connection; two of its lines have no reply yet.
        client.Ended();
        socket.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        replies.Reject(new Rejected("bad", RejectReason.NonNumeric, "not a number", 1));
        Assert.Single(Lines(socket.ExpectMsg<object>()));
        socket.ExpectNoMsg(TimeSpan.FromMilliseconds(100));

        replies.Send(PredictionBatch.Of(predictions[2]));
        Assert.Single(Lines(socket.ExpectMsg<object>()));
        // Every line answered: an empty write tells the connection it may close once what waits is sent.
        Assert.Empty(socket.ExpectMsg<byte[]>());
        socket.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void A_tick_that_could_not_be_forecast_goes_back_to_its_own_client_with_its_line_and_error_and_counts_as_that_lines_reply()
    {
        var replies = new TcpReplies();
        var (first, firstSocket, second, secondSocket) = TwoClients();
        // The first client's lines 1-2 took positions 0-1, the second's 1-2 positions 2-3.
        replies.Arrived(0, 2, first);
        replies.Arrived(2, 2, second);
        var failure = new PredictionFailure("ArgumentException", "the tick has 3 values where the series has 2");
        var failed = new Prediction("pump-7", "2024-01-01 00:01:00", null, null, [], [], -1, "failed", 0, 3, failure);

        replies.Failed(failed);
        var back = JsonDocument.Parse(Assert.Single(Lines(secondSocket.ExpectMsg<object>()))).RootElement.GetProperty("failed");
        Assert.Equal(2, back.GetProperty("line").GetInt64());
        Assert.Equal("pump-7", back.GetProperty("series").GetString());
        Assert.Equal("2024-01-01 00:01:00", back.GetProperty("timestamp").GetString());
        Assert.Equal("ArgumentException", back.GetProperty("error").GetString());
        Assert.Equal(failure.Message, back.GetProperty("message").GetString());
        firstSocket.ExpectNoMsg(TimeSpan.FromMilliseconds(100));

        // Its other line forecast and its connection ended: the failed line's reply was the last one owed.
        replies.Send(PredictionBatch.Of(SamplePredictions.Numbered(2)));
        Assert.Single(Lines(secondSocket.ExpectMsg<object>()));
        second.Ended();
        Assert.Empty(secondSocket.ExpectMsg<byte[]>());
    }

    /// <summary>Two clients, each with a probe standing for its connection's actor (as a connection of another node is reached).</summary>
    private (TcpAcks.Client First, Akka.TestKit.TestProbe FirstSocket, TcpAcks.Client Second, Akka.TestKit.TestProbe SecondSocket) TwoClients()
    {
        var acks = new TcpAcks();
        var (first, second) = (acks.Open(), acks.Open());
        var (firstSocket, secondSocket) = (CreateTestProbe(), CreateTestProbe());
        first.Attach(firstSocket.Ref);
        second.Attach(secondSocket.Ref);
        return (first, firstSocket, second, secondSocket);
    }

    /// <summary>A write to a connection reached by its actor (as from another node): the lines in UTF-8, in a copy of their own.</summary>
    private static string[] Lines(object write)
    {
        string text = Encoding.UTF8.GetString(Assert.IsType<byte[]>(write));
        Assert.EndsWith("\n", text);
        return text[..^1].Split('\n');
    }
}
