using System.Net;
using System.Net.Sockets;
using System.Text;
using Akka.Streams;
using Akka.Streams.Dsl;
using Akka.Streams.TestKit;
using RnnStream.Feeds.Sources;
using Xunit;

namespace RnnStream.Feeds.Tests.Sources;

/// <summary>The live socket feed on loopback: lines from several clients, an over-long line cut, the feed going on.</summary>
public sealed class TcpFeedSpec() : Akka.TestKit.Xunit2.TestKit()
{
    [Fact]
    public async Task Lines_from_two_clients_arrive_and_an_over_long_line_is_cut_without_closing_the_feed()
    {
        var (binding, lines) = TcpLineFeed.Bind(Sys, "127.0.0.1", 0, maxLineLength: 32)
            .ToMaterialized(this.SinkProbe<RawLine>(), Keep.Both)
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
}
