using System.Net;
using System.Net.Sockets;
using Akka.Streams;
using Akka.Streams.Dsl;
using RnnStream.Feeds.Records;
using RnnStream.Feeds.Sinks;
using Xunit;

namespace RnnStream.Feeds.Tests.Sinks;

public sealed class TcpPredictionSinkSpec() : Akka.TestKit.Xunit2.TestKit()
{
    private static Prediction Sample(int i) => SamplePredictions.Numbered(i, series: $"s{i % 3}");

    private Task Send(IEnumerable<Prediction> predictions, int port) =>
        Source.From(predictions.Chunk(3).Select(PredictionBatch.Of)).WatchTermination(Keep.Right).To(TcpPredictionSink.Create(Sys, "127.0.0.1", port)).Run(Sys.Materializer());

    [Fact]
    public async Task Predictions_reach_the_listener_as_json_lines_in_order()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var accepted = listener.AcceptTcpClientAsync(timeout.Token);

        var predictions = Enumerable.Range(0, 50).Select(Sample).ToList();
        var sent = Send(predictions, port);
        using var client = await accepted;
        using var reader = new StreamReader(client.GetStream());
        var lines = new List<string>();
        while (lines.Count < predictions.Count && await reader.ReadLineAsync(timeout.Token) is { } line) lines.Add(line);
        await sent;

        Assert.Equal(predictions.Select(PredictionFormats.ToJson), lines);
    }

    [Fact]
    public async Task With_no_listener_the_stream_ends_with_the_connection_error_instead_of_hanging()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        int closedPort = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();

        var error = await Assert.ThrowsAnyAsync<Exception>(() => Send(Enumerable.Range(0, 5).Select(Sample), closedPort).WaitAsync(TimeSpan.FromSeconds(20)));
        Assert.IsNotType<TimeoutException>(error);
    }
}
