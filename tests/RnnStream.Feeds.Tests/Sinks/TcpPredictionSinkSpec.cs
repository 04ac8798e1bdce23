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

    private Task Send(IEnumerable<Prediction> predictions, int port) => Send(predictions.Chunk(3).Select(PredictionBatch.Of), port);

    private Task Send(IEnumerable<PredictionBatch> batches, int port) => Source.From(batches).RunWith(TcpPredictionSink.Create("127.0.0.1", port), Sys.Materializer());

    /// <summary>What a listener reads, <paramref name="count"/> lines, while <paramref name="send"/> sends to its port; then the sink's end.</summary>
    private static async Task<List<string>> Listen(int count, Func<int, Task> send)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var accepted = listener.AcceptTcpClientAsync(timeout.Token);
        var sent = send(((IPEndPoint)listener.LocalEndpoint).Port);
        using var client = await accepted;
        using var reader = new StreamReader(client.GetStream());
        var lines = new List<string>();
        while (lines.Count < count && await reader.ReadLineAsync(timeout.Token) is { } line) lines.Add(line);
        await sent;
        return lines;
    }

    [Fact]
    public async Task Predictions_reach_the_listener_as_json_lines_in_order()
    {
        var predictions = Enumerable.Range(0, 50).Select(Sample).ToList();
        var lines = await Listen(predictions.Count, port => Send(predictions, port));
        Assert.Equal(predictions.Select(PredictionFormats.ToJson), lines);
    }

    [Fact]
    public async Task Pooled_batches_go_back_to_their_pool_once_their_lines_are_sent()
    {
        var pool = new PredictionPool();
        var batches = Enumerable.Range(0, 3).Select(b => Pooled(pool, b)).ToArray();
        var expected = batches.SelectMany(batch => batch.Predictions.ToArray().Select(PredictionFormats.ToJson)).ToList();
        var lines = await Listen(expected.Count, port => Send(batches, port));

        Assert.Equal(expected, lines);
        // Given back: the pool lends the same batches again, their predictions to be made again in place.
        var again = Enumerable.Range(0, 3).Select(_ => pool.Rent(4)).ToArray();
        Assert.All(batches, batch => Assert.Contains(batch, again));
    }

    /// <summary>A batch of four pooled predictions, as a key group makes them.</summary>
    private static PredictionBatch Pooled(PredictionPool pool, int number)
    {
        var batch = pool.Rent(4);
        for (int i = 0; i < 4; i++)
        {
            var prediction = pool.At(batch, i);
            new float[] { number, i, i + 1 }.CopyTo(prediction.ValuesToFill(3), 0);
            var time = new DateTime(2024, 1, 1, 10, 0, 0).AddMinutes(number);
            prediction.Refill($"s{i}", null, time, null, SamplePredictions.Format, ["close"], 3, 1, "rnn", 0, 4 * number + i);
        }
        batch.Seal(4, 0);
        return batch;
    }

    [Fact]
    public async Task With_no_listener_the_stream_ends_with_the_connection_error_instead_of_hanging()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        int closedPort = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();

        foreach (int count in new[] { 5, 0 })
        {
            var error = await Assert.ThrowsAnyAsync<Exception>(() => Send(Enumerable.Range(0, count).Select(Sample), closedPort).WaitAsync(TimeSpan.FromSeconds(20)));
            Assert.IsType<SocketException>(error);
        }
    }
}
