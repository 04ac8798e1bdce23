using System.Text;
using System.Text.Json;
using RnnStream.Feeds.Records;
using Xunit;
using Xunit.Abstractions;

namespace RnnStream.Host.Tests.Feeds;

/// <summary>The catalogue of bad input through `rnnstream run`: every kind named, quarantined with its raw text, counted exactly, and the stream goes on.</summary>
public sealed class BadInputTests(ITestOutputHelper log) : IDisposable
{
    private readonly ScratchDirectory _scratch = new("bad");
    private string _output => _scratch.Path;

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public async Task Every_kind_of_bad_line_is_quarantined_with_its_reason_counted_exactly_and_every_good_line_is_forecast()
    {
        var expected = new Dictionary<RejectReason, int>();
        var lines = new List<byte[]> { Encoding.UTF8.GetBytes("timestamp,series,a,b") };
        int good = 0;
        void Good(int minute, string series) { lines.Add(Encoding.UTF8.GetBytes($"2024-01-01 {minute / 60:00}:{minute % 60:00}:00,{series},{minute % 7},{minute % 5 + 1}")); good++; }
        void Bad(RejectReason reason, byte[] line) { lines.Add(line); expected[reason] = expected.GetValueOrDefault(reason) + 1; }
        void BadText(RejectReason reason, string line) => Bad(reason, Encoding.UTF8.GetBytes(line));

        for (int minute = 0; minute < 200; minute++)
        {
            Good(minute, "s1");
            Good(minute, "s2");
            string at = $"2024-01-01 {minute / 60:00}:{minute % 60:00}:30";
            switch (minute % 16)
            {
                case 0: BadText(RejectReason.NonNumeric, $"{at},s1,abc,2"); break;
                case 1: BadText(RejectReason.NonFinite, $"{at},s2,NaN,2"); break;
                case 2: BadText(RejectReason.WrongFeatureCount, $"{at},s1,1,2,3"); break;
                case 3: BadText(RejectReason.MissingField, $"{at},s2,1"); break;
                case 4: BadText(RejectReason.EmptyLine, ""); break;
                case 5: BadText(RejectReason.TimestampNotIncreasing, $"2024-01-01 {minute / 60:00}:{minute % 60:00}:00,s1,1,2"); break;
                case 6: BadText(RejectReason.TimestampNotIncreasing, "2023-12-31 00:00:00,s2,1,2"); break;
                case 7: BadText(RejectReason.AbsurdMagnitude, $"{at},s1,1e300,2"); break;
                case 8: BadText(RejectReason.LineTooLong, $"{at},s1,1," + new string('9', 300)); break;
                case 9: Bad(RejectReason.InvalidEncoding, [.. Encoding.UTF8.GetBytes($"{at},s2,1,"), 0xC3, 0x28]); break;
                case 10: Bad(RejectReason.InvalidEncoding, [0x00, 0x01, 0xFF, 0xFE, 0x7F, 0x1B, 0x80]); break;
                case 11: BadText(RejectReason.MalformedSeriesId, $"{at}, s 1 ,1,2"); break;
                case 12: BadText(RejectReason.TooManySeries, $"{at},new{minute},1,2"); break;
                case 13: BadText(RejectReason.UnparseableTimestamp, "yesterday,s1,1,2"); break;
            }
        }
        string input = Path.Combine(_output, "bad.csv");
        using (var file = File.Create(input))
            foreach (var line in lines)
            {
                file.Write(line);
                file.WriteByte((byte)'\n');
            }

        string quarantine = Path.Combine(_output, "quarantine.jsonl");
        var output = new StringWriter();
        int exit = await CommandLine.Build(output).Parse([
            "run", "--input", input, "--output", Path.Combine(_output, "p.csv"), "--set", "feed.series-column=series",
            "--set", "feed.max-line-length=200", "--set", "feed.max-series=2", "--set", $"output.quarantine={quarantine}",
            "--set", "training.every-ticks=0"]).InvokeAsync();
        log.WriteLine(output.ToString());

        Assert.Equal(0, exit);
        var quarantined = File.ReadAllLines(quarantine).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var counted = quarantined.GroupBy(q => Enum.Parse<RejectReason>(q.GetProperty("reason").GetString()!)).ToDictionary(g => g.Key, g => g.Count());
        foreach (var (reason, count) in expected.OrderBy(e => e.Key)) log.WriteLine($"| {reason} | {count} | {counted.GetValueOrDefault(reason)} |");
        Assert.Equal(expected.OrderBy(e => e.Key), counted.OrderBy(e => e.Key));
        Assert.All(quarantined, q => Assert.True(q.TryGetProperty("raw", out _)));
        // Both features are predicted: two rows per forecast.
        Assert.Equal(2 * good, File.ReadAllLines(Path.Combine(_output, "p.csv")).Length - 1);
        Assert.Contains($"rejected: ", output.ToString());
    }

    [Fact]
    public async Task A_flood_of_garbage_fills_the_quarantine_only_to_its_cap_and_every_reject_is_still_counted()
    {
        string input = Path.Combine(_output, "garbage.csv"), quarantine = Path.Combine(_output, "quarantine.jsonl");
        File.WriteAllLines(input, new[] { "timestamp,series,a" }
            .Concat(Enumerable.Range(0, 5000).Select(i => $"2024-01-01 00:00:00,s{i % 3},not-a-number-{new string('x', 200)}"))
            .Append("2024-01-02 00:00:00,s0,1"));

        var output = new StringWriter();
        int exit = await CommandLine.Build(output).Parse([
            "run", "--input", input, "--set", "feed.series-column=series", "--output", Path.Combine(_output, "p.csv"),
            "--set", $"output.quarantine={quarantine}", "--set", "output.quarantine-max-bytes=100000"]).InvokeAsync();
        log.WriteLine(output.ToString());

        Assert.Equal(0, exit);
        // 5,000 lines of about 250 bytes: uncapped the file would be well over a megabyte.
        Assert.InRange(new FileInfo(quarantine).Length, 50_000, 150_000);
        var last = JsonDocument.Parse(File.ReadLines(quarantine).Last()).RootElement;
        Assert.StartsWith("the quarantine file reached its cap of 100,000 bytes", last.GetProperty("detail").GetString());
        Assert.Contains("rejected: NonNumeric 5,000", output.ToString());
    }
}
