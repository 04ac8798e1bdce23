using System.Net;
using System.Net.Sockets;

namespace RnnStream.Host.Tests;

/// <summary>Real sockets on 127.0.0.1 for the live-feed tests.</summary>
internal static class Loopback
{
    public static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>The run prints its first line before its socket is bound: connect as a client would, again until it listens.</summary>
    public static async Task<TcpClient> ConnectWhenListening(int port, CancellationToken cancellation)
    {
        for (int attempt = 1; ; attempt++)
        {
            var client = new TcpClient();
            try
            {
                await client.ConnectAsync(IPAddress.Loopback, port, cancellation);
                return client;
            }
            catch (SocketException) when (attempt < 200)
            {
                client.Dispose();
                await Task.Delay(50, cancellation);
            }
        }
    }
}
