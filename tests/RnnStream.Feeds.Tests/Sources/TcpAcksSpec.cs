using System.Text;
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
}
