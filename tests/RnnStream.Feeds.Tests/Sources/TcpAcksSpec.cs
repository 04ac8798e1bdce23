using System.Text;
using Akka.Streams;
using Akka.Streams.Dsl;
using Akka.Streams.TestKit;
using RnnStream.Feeds.Sources;
using Xunit;

namespace RnnStream.Feeds.Tests.Sources;

/// <summary>Acks counted over runs of lines: a checkpoint may cut a run, and a client hears each new total once.</summary>
public sealed class TcpAcksSpec() : Akka.TestKit.Xunit2.TestKit()
{
    [Fact]
    public void A_checkpoint_that_cuts_a_run_acks_the_lines_before_the_cut_and_the_rest_with_a_later_one()
    {
        var acks = new TcpAcks();
        var client = acks.Open();
        var socket = CreateTestProbe();
        client.Attach(socket.Ref);
        // Positions 0-2 and 5-6 are this client's; 3-4 another's.
        client.Arrived(0, 3);
        client.Arrived(5, 2);

        acks.CoveredBelow(2);
        Assert.Equal("{\"acked\":2}\n", Encoding.UTF8.GetString(socket.ExpectMsg<byte[]>()));
        acks.CoveredBelow(4);
        Assert.Equal("{\"acked\":3}\n", Encoding.UTF8.GetString(socket.ExpectMsg<byte[]>()));
        // Nothing of this client's between 3 and 5: it is told nothing.
        acks.CoveredBelow(5);
        socket.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        acks.CoveredBelow(6);
        Assert.Equal("{\"acked\":4}\n", Encoding.UTF8.GetString(socket.ExpectMsg<byte[]>()));
        acks.CoveredBelow(100);
        Assert.Equal("{\"acked\":5}\n", Encoding.UTF8.GetString(socket.ExpectMsg<byte[]>()));

        acks.Close(client);
        client.Arrived(7, 1);
        acks.CoveredBelow(200);
        socket.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void A_connection_that_ended_is_told_it_may_close_once_its_last_line_is_acked_and_not_before()
    {
        var acks = new TcpAcks();
        var client = acks.Open();
        var socket = CreateTestProbe();
        client.Attach(socket.Ref);
        client.Arrived(0, 3);
        acks.CoveredBelow(2);
        Assert.Equal("{\"acked\":2}\n", Encoding.UTF8.GetString(socket.ExpectMsg<byte[]>()));

        // Its client closed its sending side: one line is not acked yet, so the connection stays.
        client.Ended();
        socket.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        acks.CoveredBelow(3);
        Assert.Equal("{\"acked\":3}\n", Encoding.UTF8.GetString(socket.ExpectMsg<byte[]>()));
        // Every line acked: an empty write tells the connection it may close once what waits is sent.
        Assert.Empty(socket.ExpectMsg<byte[]>());
        socket.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    /// <summary>
    /// A connection that ended by an error (or its idle timeout) closed with it: the feed's positions
    /// stage lets its client go at once, and the checkpoints after send it nothing, while a connection
    /// whose client closed only its sending side still hears its acks and then that it may close.
    /// </summary>
    [Fact]
    public void A_connection_whose_way_back_closed_with_its_end_is_acked_no_more_and_a_half_closed_one_still_is()
    {
        var acks = new TcpAcks();
        var (broken, halfClosed) = (CreateTestProbe(), CreateTestProbe());
        var (runs, passed) = this.SourceProbe<LineRun>().Via(TcpLineFeed.Positions(acks, replies: null)).ToMaterialized(this.SinkProbe<LineRun>(), Keep.Both).Run(Sys.Materializer());
        passed.Request(10);
        runs.SendNext(LineRun.Of(broken.Ref, [("a,1", false), ("a,2", false)]));
        runs.SendNext(LineRun.Of(halfClosed.Ref, [("b,1", false), ("b,2", false)]));
        passed.ExpectNextN(2);
        acks.CoveredBelow(1);
        Assert.Equal("{\"acked\":1}\n", Encoding.UTF8.GetString(broken.ExpectMsg<byte[]>()));

        runs.SendNext(LineRun.Of(broken.Ref, [], ended: true, wayBackClosed: true));
        runs.SendNext(LineRun.Of(halfClosed.Ref, [], ended: true));
        // The ends go no further: the next line through is proof both were taken in.
        runs.SendNext(LineRun.Of(CreateTestProbe().Ref, [("c,1", false)]));
        Assert.Equal(4, passed.ExpectNext().FirstOffset);

        acks.CoveredBelow(4);
        Assert.Equal("{\"acked\":2}\n", Encoding.UTF8.GetString(halfClosed.ExpectMsg<byte[]>()));
        Assert.Empty(halfClosed.ExpectMsg<byte[]>());
        broken.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }
}
