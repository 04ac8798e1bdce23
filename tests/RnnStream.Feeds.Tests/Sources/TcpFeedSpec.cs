using System.Net;
using System.Net.Sockets;
using System.Text;
using Akka.Streams;
using Akka.Streams.Dsl;
using Akka.Streams.TestKit;
using RnnStream.Feeds.Sources;
using Xunit;

namespace RnnStream.Feeds.Tests.Sources;

/// <summary>The live socket feed on loopback: lines from several clients, an over-long line cut, a reset, idle and surplus clients, a line cut off by its end, and the feed going on through all of them.</summary>
public sealed class TcpFeedSpec() : Akka.TestKit.Xunit2.TestKit()
{
    [Fact]
    public async Task Lines_from_two_clients_arrive_and_an_over_long_line_is_cut_without_closing_the_feed()
    {
        var (binding, lines) = TcpLineFeed.Bind(Sys, new TcpFeedSettings("127.0.0.1", 0) { MaxLineLength = 32 })
            .AsLines().ToMaterialized(this.SinkProbe<RawLine>(), Keep.Both)
            .Run(Sys.Materializer());
        var bound = await binding;
        int port = ((IPEndPoint)bound.LocalAddress).Port;
        lines.Request(10);

        using (var first = new TcpClient())
        {
            await first.ConnectAsync(IPAddress.Loopback, port);
            await first.GetStream().WriteAsync(Encoding.UTF8.GetBytes("a,1\n" + new string('x', 100) + "\nb,2\n"));
        }
        var received = lines.ExpectNextN(3).Select(l => l.Text).ToList();
        Assert.Equal("a,1", received[0]);
        Assert.Equal(33, received[1].Length);
        Assert.Equal("b,2", received[2]);

        using (var second = new TcpClient())
        {
            await second.ConnectAsync(IPAddress.Loopback, port);
            await second.GetStream().WriteAsync(Encoding.UTF8.GetBytes("c,3\n"));
        }
        Assert.Equal("c,3", lines.ExpectNext().Text);
        await bound.Unbind();
    }

    [Fact]
    public void A_port_another_process_holds_fails_the_feed_with_an_error_that_names_the_address_the_port_and_the_keys()
    {
        var holder = new TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        try
        {
            int port = ((IPEndPoint)holder.LocalEndpoint).Port;
            var lines = TcpLineFeed.Bind(Sys, new TcpFeedSettings("127.0.0.1", port)).AsLines().RunWith(this.SinkProbe<RawLine>(), Sys.Materializer());
            lines.Request(1);
            var error = Assert.IsType<IOException>(lines.ExpectError());
            Assert.Equal($"the tcp feed cannot listen on 127.0.0.1:{port}: another process holds the port, or the address is not this machine's (feed.tcp.host, feed.tcp.port)", error.Message);
        }
        finally
        {
            holder.Stop();
        }
    }

    /// <param name="acks">Acks each client as the test says checkpoints commit; null: none.</param>
    private async Task<(Akka.Streams.Dsl.Tcp.ServerBinding Binding, int Port, TestSubscriber.Probe<RawLine> Lines, TcpFeedCounters Counters)> Listen(TcpFeedSettings settings,
        TcpAcks? acks = null)
    {
        var counters = new TcpFeedCounters();
        var (binding, lines) = TcpLineFeed.Bind(Sys, settings, counters, acks).AsLines().ToMaterialized(this.SinkProbe<RawLine>(), Keep.Both).Run(Sys.Materializer());
        var bound = await binding;
        return (bound, ((IPEndPoint)bound.LocalAddress).Port, lines, counters);
    }

    private static async Task<TcpClient> Connect(int port)
    {
        var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port);
        return client;
    }

    /// <summary>True when the server closed the connection (a read returns nothing or fails) within the time given.</summary>
    private static async Task<bool> ClosedByServer(TcpClient client, TimeSpan within)
    {
        using var timeout = new CancellationTokenSource(within);
        try
        {
            return await client.GetStream().ReadAsync(new byte[16], timeout.Token) == 0;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        catch (IOException)
        {
            return true;
        }
    }

    [Fact]
    public async Task A_client_that_resets_its_connection_ends_only_that_connection_and_the_feed_goes_on()
    {
        var (bound, port, lines, counters) = await Listen(new TcpFeedSettings("127.0.0.1", 0));
        lines.Request(10);

        using (var rude = await Connect(port))
        {
            // A line that arrives shows the connection is being read; then the client resets it.
            await rude.GetStream().WriteAsync(Encoding.UTF8.GetBytes("first\n"));
            Assert.Equal("first", lines.ExpectNext(TimeSpan.FromSeconds(10)).Text);
            rude.Client.LingerState = new LingerOption(true, 0);
            rude.Client.Close(0);
        }
        AwaitCondition(() => counters.Failed == 1, TimeSpan.FromSeconds(10), $"counters: {counters}");

        using (var polite = await Connect(port))
            await polite.GetStream().WriteAsync(Encoding.UTF8.GetBytes("a,1\n"));
        Assert.Equal("a,1", lines.ExpectNext(TimeSpan.FromSeconds(10)).Text);
        Assert.Equal(2, counters.Accepted);
        await bound.Unbind();
    }

    [Fact]
    public async Task Past_the_cap_a_connection_is_refused_at_once_and_idle_ones_are_closed_so_a_client_is_served()
    {
        // Idle for 3 s before being closed: long enough that both idle connections still hold their slots when the third comes,
        // even on a busy machine (at 1 s, one was once closed first and the third was let in).
        var (bound, port, lines, counters) = await Listen(new TcpFeedSettings("127.0.0.1", 0) { MaxConnections = 2, IdleTimeout = TimeSpan.FromSeconds(3) });
        lines.Request(1000);
        using var idle1 = await Connect(port);
        using var idle2 = await Connect(port);
        AwaitCondition(() => counters.Accepted == 2, TimeSpan.FromSeconds(10));

        using (var third = await Connect(port))
            Assert.True(await ClosedByServer(third, TimeSpan.FromSeconds(5)), "the connection past the cap was not closed");
        Assert.Equal(1, counters.Refused);

        Assert.True(await ClosedByServer(idle1, TimeSpan.FromSeconds(10)), "an idle connection was not closed");
        Assert.True(await ClosedByServer(idle2, TimeSpan.FromSeconds(10)), "an idle connection was not closed");
        AwaitCondition(() => counters.IdleClosed == 2, TimeSpan.FromSeconds(10));

        using (var client = await Connect(port))
            await client.GetStream().WriteAsync(Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, 500).Select(i => $"s,{i}\n"))));
        var received = lines.ExpectNextN(500, TimeSpan.FromSeconds(10));
        Assert.Equal(Enumerable.Range(0, 500).Select(i => $"s,{i}"), received.Select(l => l.Text));
        Assert.Equal(0, counters.Failed);
        await bound.Unbind();
    }

    [Fact]
    public async Task A_line_cut_off_by_a_disconnect_is_rejected_as_truncated_not_read_as_data()
    {
        var (bound, port, lines, _) = await Listen(new TcpFeedSettings("127.0.0.1", 0));
        lines.Request(10);
        using (var client = await Connect(port))
            await client.GetStream().WriteAsync(Encoding.UTF8.GetBytes("2024-01-01 00:00:00,a,0.5,11\n2024-01-01 00:01:00,a,0.5,12"));

        var whole = lines.ExpectNext(TimeSpan.FromSeconds(10));
        var cut = lines.ExpectNext(TimeSpan.FromSeconds(10));
        Assert.False(whole.Truncated);
        Assert.Equal(new RawLine("2024-01-01 00:01:00,a,0.5,12", 1, Truncated: true), cut);

        var parser = new RnnStream.Feeds.Parsing.RecordParser(new RnnStream.Feeds.Parsing.FeedSchema { SeriesColumn = "series", Features = ["x", "close"] });
        var records = await Source.From([new RawLine("timestamp,series,x,close", 0), whole, cut])
            .Via(RnnStream.Feeds.Parsing.ParsingFlow.Create(parser)).RunWith(Sink.Seq<RnnStream.Feeds.Records.FeedRecord>(), Sys.Materializer());
        Assert.IsType<RnnStream.Feeds.Records.Tick>(records[0]);
        var rejected = Assert.IsType<RnnStream.Feeds.Records.Rejected>(records[1]);
        Assert.Equal(RnnStream.Feeds.Records.RejectReason.TruncatedLine, rejected.Reason);
        await bound.Unbind();
    }

    /// <summary>
    /// A committed checkpoint covers every line before its feed position: each client hears how
    /// many of its own lines that is, as a running total on its own socket, and a client with no
    /// newly covered lines hears nothing.
    /// </summary>
    [Fact]
    public async Task Each_client_is_told_on_its_socket_how_many_of_its_lines_a_committed_checkpoint_covers()
    {
        var acks = new TcpAcks();
        var (_, port, lines, _) = await Listen(new TcpFeedSettings("127.0.0.1", 0), acks);
        lines.Request(10);
        using var first = await Connect(port);
        using var second = await Connect(port);
        var fromFirst = new StreamReader(first.GetStream());
        var fromSecond = new StreamReader(second.GetStream());

        await first.GetStream().WriteAsync(Encoding.UTF8.GetBytes("a,1\na,2\na,3\n"));
        Assert.Equal([0L, 1, 2], lines.ExpectNextN(3).Select(l => l.Offset));
        await second.GetStream().WriteAsync(Encoding.UTF8.GetBytes("b,1\n"));
        Assert.Equal(3, lines.ExpectNext().Offset);
        await first.GetStream().WriteAsync(Encoding.UTF8.GetBytes("a,4\n"));
        Assert.Equal(4, lines.ExpectNext().Offset);

        acks.CoveredBelow(2);
        Assert.Equal("{\"acked\":2}", await ReadLine(fromFirst));
        acks.CoveredBelow(4);
        Assert.Equal("{\"acked\":3}", await ReadLine(fromFirst));
        Assert.Equal("{\"acked\":1}", await ReadLine(fromSecond));
        acks.CoveredBelow(5);
        Assert.Equal("{\"acked\":4}", await ReadLine(fromFirst));
        // Nothing new for the second client: it is told nothing, so its next answer is a later total.
        await second.GetStream().WriteAsync(Encoding.UTF8.GetBytes("b,2\n"));
        Assert.Equal(5, lines.ExpectNext().Offset);
        acks.CoveredBelow(6);
        Assert.Equal("{\"acked\":2}", await ReadLine(fromSecond));
    }

    /// <summary>
    /// A client that sends its lines and closes its sending side (as <c>nc -N</c> does with a file)
    /// still hears the ack that covers its last line: its connection stays open until then, and
    /// closes after it.
    /// </summary>
    [Fact]
    public async Task A_client_that_closes_its_sending_side_reads_the_ack_of_its_last_line_then_the_end()
    {
        var acks = new TcpAcks();
        var (_, port, lines, _) = await Listen(new TcpFeedSettings("127.0.0.1", 0), acks);
        lines.Request(10);
        using var client = await Connect(port);
        var stream = client.GetStream();
        var reader = new StreamReader(stream);
        await stream.WriteAsync(Encoding.UTF8.GetBytes("a,1\na,2\na,3\n"));
        Assert.Equal([0L, 1, 2], lines.ExpectNextN(3).Select(l => l.Offset));
        acks.CoveredBelow(1);
        Assert.Equal("{\"acked\":1}", await ReadLine(reader));

        client.Client.Shutdown(SocketShutdown.Send);
        // No line follows; meanwhile its end reaches the stream, so the ack below comes to a connection that has ended.
        lines.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        acks.CoveredBelow(3);
        Assert.Equal("{\"acked\":3}", await ReadLine(reader));
        Assert.Null(await ReadLine(reader));
    }

    /// <summary>
    /// How a connection's end is marked for the acks and replies owed to it: a client that reset its
    /// connection can be sent nothing more (on another node, what was sent would be dead letters);
    /// one that closed only its sending side is still read to.
    /// </summary>
    [Fact]
    public async Task A_reset_connections_end_says_its_way_back_is_closed_and_a_half_closed_ones_end_says_it_still_reads()
    {
        var (binding, runs) = TcpLineFeed.Connections(Sys, new TcpFeedSettings("127.0.0.1", 0), counters: null, predictionsBack: false, acked: true)
            .ToMaterialized(this.SinkProbe<LineRun>(), Keep.Both).Run(Sys.Materializer());
        int port = ((IPEndPoint)(await binding).LocalAddress).Port;
        runs.Request(10);

        using (var rude = await Connect(port))
        {
            await rude.GetStream().WriteAsync(Encoding.UTF8.GetBytes("a,1\n"));
            Assert.Equal("a,1", ExpectRunWithLines(runs).Text(0));
            rude.Client.LingerState = new LingerOption(true, 0);
            rude.Client.Close(0);
        }
        var end = runs.ExpectNext(TimeSpan.FromSeconds(10));
        Assert.True(end is { Ended: true, WayBackClosed: true }, $"ended {end.Ended}, way back closed {end.WayBackClosed}");

        using var polite = await Connect(port);
        var stream = polite.GetStream();
        await stream.WriteAsync(Encoding.UTF8.GetBytes("b,1\n"));
        Assert.Equal("b,1", ExpectRunWithLines(runs).Text(0));
        polite.Client.Shutdown(SocketShutdown.Send);
        end = runs.ExpectNext(TimeSpan.FromSeconds(10));
        Assert.True(end is { Ended: true, WayBackClosed: false }, $"ended {end.Ended}, way back closed {end.WayBackClosed}");
    }

    /// <summary>The next run, which must carry lines and not end its connection.</summary>
    private static LineRun ExpectRunWithLines(TestSubscriber.Probe<LineRun> runs)
    {
        var run = runs.ExpectNext(TimeSpan.FromSeconds(10));
        Assert.False(run.Ended);
        Assert.Equal(1, run.Count);
        return run;
    }

    private static async Task<string?> ReadLine(StreamReader reader)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        return await reader.ReadLineAsync(timeout.Token);
    }
}
