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

    /// <summary>
    /// A live run asked for port 0 binds a port the system chooses and says which: read its lines
    /// up to that one. (A port picked by the test and handed over could be taken by a test running
    /// beside it, whose client would then talk to the wrong run.)
    /// </summary>
    /// <param name="said">Collects the lines read on the way, for a failure's message.</param>
    public static async Task<int> ListeningPort(StreamReader runErrors, CancellationToken cancellation, List<string>? said = null)
    {
        while (await runErrors.ReadLineAsync(cancellation) is { } line)
        {
            said?.Add(line);
            if (line.StartsWith("tcp feed listening on ", StringComparison.Ordinal))
                return int.Parse(line[(line.LastIndexOf(':') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        }
        throw new InvalidOperationException("the run ended before its feed was listening");
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
