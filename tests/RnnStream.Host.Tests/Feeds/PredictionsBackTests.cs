using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Xunit;
using Xunit.Abstractions;

namespace RnnStream.Host.Tests.Feeds;

/// <summary>With <c>feed.tcp.predictions-back = on</c>, each client of a live run reads the predictions of its own ticks on its own connection.</summary>
public sealed class PredictionsBackTests(ITestOutputHelper log) : IDisposable
{
    private readonly ScratchDirectory _scratch = new("predictions-back");

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public async Task Each_client_reads_one_JSON_line_per_tick_it_sent_and_none_of_the_others_and_each_line_set_aside_and_one_that_closed_its_sending_side_reads_them_all_before_the_end()
    {
        using var process = Process.Start(RnnstreamProcess.StartInfo([
            "run", "--config", RepositoryPaths.Config("live.conf"), "--set", "feed.tcp.port=0", "--set", "feed.tcp.predictions-back=on", "--set", "http.port=off",
            // The first 60 ticks are held to choose the auto keys from: they are sent back too, once forecast.
            "--set", "detection.warm-up-ticks=60",
            "--output", Path.Combine(_scratch.Path, "p.jsonl"), "--set", $"output.quarantine={Path.Combine(_scratch.Path, "q.jsonl")}"]))!;
        process.OutputDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        using var hang = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        try
        {
            int port = await Loopback.ListeningPort(process.StandardError, hang.Token);
            using var first = await Loopback.ConnectWhenListening(port, hang.Token);
            using var second = await Loopback.ConnectWhenListening(port, hang.Token);
            const int Minutes = 30;
            // Two lines the first client gets back as set aside: its 11th (not JSON) and its 42nd (a price that is not a number).
            var firstLines = PriceLines.Lines(["A", "B"], Minutes).ToList();
            firstLines.Insert(10, "not a record\n");
            firstLines.Insert(41, "{\"timestamp\":\"2024-01-01 00:20:30\",\"ticker\":\"A\",\"open\":1,\"high\":1,\"low\":1,\"close\":\"high\"}\n");
            await PriceLines.Send(first, firstLines, hang.Token);
            await PriceLines.Send(second, PriceLines.Lines(["C"], Minutes), hang.Token);

            var (firstBack, firstRejected) = await Read(first, 2 * Minutes, 2, hang.Token);
            var (secondBack, secondRejected) = await Read(second, Minutes, 0, hang.Token);
            Assert.Equal([11, 42], firstRejected.Select(r => r.GetProperty("line").GetInt32()));
            Assert.Equal(firstLines[10].TrimEnd('\n'), firstRejected[0].GetProperty("raw").GetString());
            Assert.Equal(firstLines[41].TrimEnd('\n'), firstRejected[1].GetProperty("raw").GetString());
            Assert.Equal(["MalformedJson", "NonNumeric"], firstRejected.Select(r => r.GetProperty("reason").GetString()));
            Assert.Empty(secondRejected);
            Assert.Equal(["A", "B"], firstBack.Select(p => p.GetProperty("series").GetString()).Distinct().Order());
            Assert.Equal(["C"], secondBack.Select(p => p.GetProperty("series").GetString()).Distinct());
            // One per tick sent, every tick of each series in its order.
            foreach (var series in new[] { "A", "B" })
                Assert.Equal(Enumerable.Range(0, Minutes).Select(PriceLines.Time), firstBack.Where(p => p.GetProperty("series").GetString() == series).Select(p => p.GetProperty("timestamp").GetString()));
            // A client that sends its lines and closes its sending side reads every reply, then the end of the connection.
            using (var third = await Loopback.ConnectWhenListening(port, hang.Token))
            {
                var stream = third.GetStream();
                await PriceLines.Send(third, PriceLines.Lines(["D"], Minutes).Append("D,not,a,record\n"), hang.Token);
                third.Client.Shutdown(SocketShutdown.Send);
                var replies = (await new StreamReader(stream).ReadToEndAsync(hang.Token)).Split('\n', StringSplitOptions.RemoveEmptyEntries)
                    .Select(line => JsonDocument.Parse(line).RootElement).ToList();
                Assert.Equal(Minutes, replies.Count(json => json.TryGetProperty("series", out _)));
                Assert.Equal([Minutes + 1], replies.Where(json => json.TryGetProperty("rejected", out _)).Select(json => json.GetProperty("rejected").GetProperty("line").GetInt32()));
            }

            var last = secondBack[^1];
            var close = last.GetProperty("predictions").GetProperty("close");
            Assert.True(close.GetProperty("lower").GetDouble() <= close.GetProperty("predicted").GetDouble());
            Assert.True(close.GetProperty("upper").GetDouble() >= close.GetProperty("predicted").GetDouble());
            Assert.False(string.IsNullOrEmpty(last.GetProperty("forecaster").GetString()));
            Assert.Equal(0, last.GetProperty("weights_version").GetInt64());
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
    }

    /// <summary>Reads JSON lines until <paramref name="count"/> predictions and <paramref name="rejects"/> lines set aside came (acks, if any, are neither).</summary>
    private async Task<(List<JsonElement> Predictions, List<JsonElement> Rejected)> Read(TcpClient client, int count, int rejects, CancellationToken cancellation)
    {
        var reader = new StreamReader(client.GetStream());
        var (predictions, rejected) = (new List<JsonElement>(), new List<JsonElement>());
        while ((predictions.Count < count || rejected.Count < rejects) && await reader.ReadLineAsync(cancellation) is { } line)
        {
            var json = JsonDocument.Parse(line).RootElement;
            if (json.TryGetProperty("series", out _)) predictions.Add(json.Clone());
            else if (json.TryGetProperty("rejected", out var set)) rejected.Add(set.Clone());
        }
        log.WriteLine($"{predictions.Count} predictions and {rejected.Count} lines set aside back");
        return (predictions, rejected);
    }
}
