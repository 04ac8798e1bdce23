using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Xunit;

namespace RnnStream.Host.Tests.Cluster;

/// <summary>A node whose port another process holds ends at once with exit 2 and one line naming the address and port, not a stack trace.</summary>
public sealed class NodePortInUseTests
{
    [Fact]
    public async Task A_node_on_a_port_in_use_exits_2_naming_the_address_and_the_port()
    {
        var holder = new TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        try
        {
            string port = ((IPEndPoint)holder.LocalEndpoint).Port.ToString(CultureInfo.InvariantCulture);
            var node = await RnnstreamProcess.RunToEndAsync(RnnstreamProcess.StartInfo(["node", "--config", RepositoryPaths.Config("cluster.conf"), "--port", port]),
                TimeSpan.FromMinutes(1));
            Assert.Equal(2, node.Exit);
            Assert.StartsWith($"rnnstream: the node cannot listen on 127.0.0.1:{port}: ", node.Errors.Split('\n').Last(l => l.Length > 0));
            Assert.DoesNotContain("   at ", node.Errors);
        }
        finally
        {
            holder.Stop();
        }
    }
}
