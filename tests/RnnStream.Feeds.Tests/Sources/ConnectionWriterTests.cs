using System.Net;
using System.Net.Sockets;
using System.Text;
using RnnStream.Feeds.Sources;
using Xunit;

namespace RnnStream.Feeds.Tests.Sources;

/// <summary>A connection's way out over loopback: whole writes in order from any thread, the oldest dropped for a client that does not read, and a closed connection ending it quietly.</summary>
public sealed class ConnectionWriterTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Writes_from_four_threads_arrive_whole_and_each_thread_s_in_the_order_it_appended_them()
    {
        using var pair = await SocketPair.Open();
        int dropped = 0;
        var writer = new ConnectionWriter(pair.Server, 1 << 20, () => Interlocked.Increment(ref dropped));
        var reading = pair.ReadToEndAsync();

        await Task.WhenAll(Enumerable.Range(0, 4).Select(thread => Task.Run(() =>
        {
            for (int i = 0; i < 2000; i++) writer.Append(Encoding.UTF8.GetBytes($"{thread}:{i}\n"));
        })));
        writer.Complete();
        await writer.Sent.WaitAsync(Patience);
        pair.Server.Shutdown(SocketShutdown.Send);

        var lines = (await reading.WaitAsync(Patience)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(8000, lines.Length);
        foreach (var thread in lines.Select(line => line.Split(':')).GroupBy(parts => parts[0]))
            Assert.Equal(Enumerable.Range(0, 2000), thread.Select(parts => int.Parse(parts[1])));
        Assert.Equal(0, dropped);
    }

    [Fact]
    public async Task A_client_that_reads_nothing_loses_the_oldest_whole_writes_past_the_limit_and_gets_the_newest()
    {
        using var pair = await SocketPair.Open(socketBuffers: 8 * 1024);
        const int Writes = 2000, Limit = 16 * 1024;
        int dropped = 0;
        var writer = new ConnectionWriter(pair.Server, Limit, () => Interlocked.Increment(ref dropped));

        // About 1 kB a write, each line numbered: 2 MB against a limit of 16 kB and socket buffers of a few.
        int mostBuffered = 0;
        for (int i = 0; i < Writes; i++)
        {
            writer.Append(Encoding.UTF8.GetBytes($"{i:D5}:{new string('x', 1000)}\n"));
            mostBuffered = Math.Max(mostBuffered, writer.BufferBytes);
        }
        writer.Complete();
        // Its two buffers, the waiting writes' and the one on the socket, stay near twice the limit each.
        Assert.InRange(mostBuffered, Limit, 2 * (2 * Limit + 1006));
        var reading = pair.ReadToEndAsync();
        await writer.Sent.WaitAsync(Patience);
        pair.Server.Shutdown(SocketShutdown.Send);

        var lines = (await reading.WaitAsync(Patience)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.All(lines, line => Assert.Equal(1006, line.Length));
        var numbers = lines.Select(line => int.Parse(line[..5])).ToArray();
        Assert.True(numbers.Zip(numbers.Skip(1)).All(pair => pair.First < pair.Second), "the writes arrive in the order appended");
        Assert.True(dropped > 0, "the client read nothing, so writes past the limit were dropped");
        Assert.Equal(Writes, numbers.Length + dropped);
        // What waited unsent at the end is the newest writes that fit the limit, all of them.
        Assert.Equal(Enumerable.Range(Writes - Limit / 1006, Limit / 1006), numbers[^(Limit / 1006)..]);
    }

    [Fact]
    public async Task A_connection_its_client_reset_ends_the_writer_and_later_writes_are_let_go_without_an_error()
    {
        var pair = await SocketPair.Open();
        var writer = new ConnectionWriter(pair.Server, 1 << 20, () => { });
        pair.Client.LingerState = new LingerOption(true, 0);
        pair.Client.Close();

        var line = Encoding.UTF8.GetBytes("after the reset\n");
        for (int attempt = 0; attempt < 200 && !writer.Sent.IsCompleted; attempt++)
        {
            writer.Append(line);
            await Task.WhenAny(writer.Sent, Task.Delay(50));
        }
        Assert.True(writer.Sent.IsCompletedSuccessfully, "the writer ended once the socket failed");
        writer.Append(line);
        writer.Complete();
        pair.Dispose();
    }

    /// <summary>Both ends of one loopback connection.</summary>
    private sealed class SocketPair(Socket server, Socket client) : IDisposable
    {
        public Socket Server { get; } = server;
        public Socket Client { get; } = client;

        /// <param name="socketBuffers">Small buffers (bytes) on both ends, so that what the kernel holds cannot hide a client that does not read; 0: the system's.</param>
        public static async Task<SocketPair> Open(int socketBuffers = 0)
        {
            using var listening = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            listening.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            listening.Listen(1);
            var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            if (socketBuffers > 0) client.ReceiveBufferSize = socketBuffers;
            var accepting = listening.AcceptAsync();
            await client.ConnectAsync(listening.LocalEndPoint!);
            var server = await accepting;
            if (socketBuffers > 0) server.SendBufferSize = socketBuffers;
            return new SocketPair(server, client);
        }

        public async Task<string> ReadToEndAsync()
        {
            using var stream = new NetworkStream(Client, ownsSocket: false);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            return await reader.ReadToEndAsync();
        }

        public void Dispose()
        {
            Server.Dispose();
            Client.Dispose();
        }
    }
}
