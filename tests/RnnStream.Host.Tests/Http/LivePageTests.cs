using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using Xunit;
using Xunit.Abstractions;

namespace RnnStream.Host.Tests.Http;

/// <summary>
/// The live service of a real `rnnstream run` on a socket feed, as an operator sees it: the page in
/// headless Chromium (Debian's chromium and chromedriver, driven by Selenium) follows a series while
/// the test sends its ticks, and shows exactly the forecast <c>/series/{id}</c> gives for the same
/// tick; <c>/metrics</c>, read by a strict Prometheus text parser, counts what the run itself counted.
/// </summary>
public sealed partial class LivePageTests(ITestOutputHelper log) : IDisposable
{
    private readonly ScratchDirectory _scratch = new("live-page");
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public async Task The_page_follows_a_series_as_its_ticks_arrive_shows_the_forecast_the_series_actor_gives_and_metrics_count_what_the_run_counted()
    {
        string predictions = Path.Combine(_scratch.Path, "predictions.jsonl"), quarantine = Path.Combine(_scratch.Path, "quarantine.jsonl");
        using var process = Process.Start(RnnstreamProcess.StartInfo([
            "run", "--config", RepositoryPaths.Config("live.conf"), "--set", "feed.tcp.port=0", "--output", predictions,
            "--set", $"output.quarantine={quarantine}", "--set", "metrics.progress-every=10ms",
            // Retrains beside the stream every 30 ticks, so the page has a history to show.
            "--set", "training.every-ticks=30", "--set", "training.min-windows=4", "--set", "training.batches=10",
            // The auto keys are chosen from the first batch's ticks, held until they are all in.
            "--set", "detection.warm-up-ticks=40"]))!;
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        using var hang = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            var said = new List<string>();
            int port = await Loopback.ListeningPort(process.StandardError, hang.Token, said);
            var service = new Uri(said.Select(line => LiveServiceLine().Match(line)).Single(m => m.Success).Groups[1].Value);
            log.WriteLine(string.Join("\n", said));
            using var client = await Loopback.ConnectWhenListening(port, hang.Token);
            using var http = new HttpClient { BaseAddress = service };
            var errors = new ProgressReader(process.StandardError);

            // Two series and three bad lines first; the page opens once the service knows the series.
            int sent = 0, rejected = 3;
            await Send(client, Lines(0, 20).Concat(["not json at all\n", "{\"timestamp\":\"2024-01-01 00:30:00\",\"ticker\":\"A\",\"open\":\"x\",\"high\":1,\"low\":1,\"close\":1}\n",
                "{\"timestamp\":\"2024-01-01 00:31:00\",\"ticker\":\"B\",\"open\":1,\"high\":1,\"low\":1}\n"]), hang.Token);
            sent += 40;
            await errors.WaitForTicks(sent, hang.Token);
            Assert.Equal("ready\n", await http.GetStringAsync("/health/ready", hang.Token));
            Assert.Equal(System.Net.HttpStatusCode.NotFound, (await http.GetAsync("/series/C", hang.Token)).StatusCode);

            using var browser = Browser(Path.Combine(_scratch.Path, "chromium"));
            browser.Navigate().GoToUrl(service);
            var option = await Eventually(() => browser.FindElements(By.CssSelector("#series option[value='A']")).FirstOrDefault(), "series A in the picker");
            option.Click();
            var chart = browser.FindElement(By.Id("chart"));
            int Points() => int.Parse(chart.GetDomAttribute("data-points") ?? "0", CultureInfo.InvariantCulture);

            // Each batch adds ten ticks of A: the chart grows with every one the page hears of.
            int before = Points();
            for (int batch = 0; batch < 3; batch++)
            {
                await Send(client, Lines(20 + 10 * batch, 10), hang.Token);
                sent += 20;
                await errors.WaitForTicks(sent, hang.Token);
                int now = await EventuallyValue(() => Points() is var p && p >= before + 10 ? p : (int?)null, $"the chart to grow past {before + 10} points (it has {Points()})");
                log.WriteLine($"chart: {before} -> {now} points");
                before = now;
            }

            // Nothing more is sent: the page's forecast is that of A's last tick, and the series' actor says the same.
            var forecast = browser.FindElement(By.Id("forecast"));
            string lastTick = Time(49);
            await Eventually(() => forecast.GetDomAttribute("data-timestamp") == lastTick ? "" : null, $"the page to show the forecast after {lastTick}");
            using var status = JsonDocument.Parse(await http.GetStringAsync("/series/A", hang.Token));
            var actor = status.RootElement;
            Assert.Equal(DateTime.Parse(lastTick, CultureInfo.InvariantCulture), actor.GetProperty("lastTick").GetProperty("time").GetDateTime());
            foreach (string part in new[] { "predicted", "lower", "upper" })
                Assert.Equal(Numbers(actor.GetProperty("forecast").GetProperty(part)), Numbers(JsonDocument.Parse(forecast.GetDomAttribute($"data-{part}")!).RootElement));
            Assert.Equal(actor.GetProperty("forecast").GetProperty("forecaster").GetString(), browser.FindElement(By.Id("forecast-forecaster")).Text);
            Assert.Equal(50, actor.GetProperty("ticks").GetInt64());

            await Eventually(() => browser.FindElement(By.Id("ticks")).Text == sent.ToString("N0", CultureInfo.InvariantCulture) ? "" : null, "the page's tick count to catch up");
            string docs = Path.Combine(RepositoryPaths.Root, "docs", "live-page.png");
            ((ITakesScreenshot)browser).GetScreenshot().SaveAsFile(docs);

            var (samples, types) = PrometheusText.Parse(await http.GetStringAsync("/metrics", hang.Token));
            Assert.Equal("counter", types["rnnstream_ticks_total"]);
            Assert.Equal("histogram", types["rnnstream_latency_seconds"]);
            double Metric(string name, string? label = null, string? value = null) =>
                samples.Where(s => s.Name == name && (label is null || s.Labels.GetValueOrDefault(label) == value)).Sum(s => s.Value);
            Assert.Equal(sent, Metric("rnnstream_ticks_total"));
            Assert.Equal(sent, Metric("rnnstream_latency_seconds_count"));
            Assert.Equal(rejected, Metric("rnnstream_rejects_total"));
            Assert.True(samples.Any(s => s.Name == "dotnet_gc_pause_time_seconds_total"), "the runtime's GC pause time is exported");

            // SIGTERM: the run drains and prints its totals; the exporter counted the same.
            await RnnstreamProcess.Terminate(process, hang.Token);
            string rest = await process.StandardError.ReadToEndAsync(hang.Token);
            await process.WaitForExitAsync(hang.Token);
            log.WriteLine(rest);
            Assert.Equal(0, process.ExitCode);
            var totals = ProgressLine().Matches(rest).Last();
            Assert.Equal(Metric("rnnstream_ticks_total"), double.Parse(totals.Groups[1].Value.Replace(",", ""), CultureInfo.InvariantCulture));
            Assert.Equal(Metric("rnnstream_rejects_total"), double.Parse(totals.Groups[2].Value.Replace(",", ""), CultureInfo.InvariantCulture));
            var quarantined = File.ReadAllLines(quarantine).Select(line => JsonDocument.Parse(line).RootElement.GetProperty("reason").GetString()!).ToList();
            foreach (var reason in quarantined.Distinct())
                Assert.Equal(quarantined.Count(r => r == reason), Metric("rnnstream_rejects_total", "reason", reason));
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            lock (output) log.WriteLine(output.ToString()[^Math.Min(output.Length, 3000)..]);
        }
    }

    private static IReadOnlyList<double> Numbers(JsonElement array) => array.EnumerateArray().Select(v => v.GetDouble()).ToList();

    /// <summary>Debian's Chromium, headless, as root, with nothing that reaches for the network on its own.</summary>
    private static ChromeDriver Browser(string profile)
    {
        var service = ChromeDriverService.CreateDefaultService("/usr/bin", "chromedriver");
        service.SuppressInitialDiagnosticInformation = true;
        var options = new ChromeOptions { BinaryLocation = "/usr/bin/chromium" };
        options.AddArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync", $"--user-data-dir={profile}", "--window-size=1200,1100");
        return new ChromeDriver(service, options, TimeSpan.FromMinutes(1));
    }

    /// <summary>What <paramref name="probe"/> finds, once it finds something; polled, since the page changes on its own time.</summary>
    private static async Task<T> Eventually<T>(Func<T?> probe, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            if (probe() is { } found) return found;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"waited {Patience.TotalSeconds:N0} s for {what}");
            await Task.Delay(50);
        }
    }

    private static async Task<T> EventuallyValue<T>(Func<T?> probe, string what) where T : struct =>
        (T)await Eventually<object>(() => probe() is { } value ? value : null, what);

    private static Task Send(TcpClient client, IEnumerable<string> lines, CancellationToken cancellation) =>
        client.GetStream().WriteAsync(Encoding.UTF8.GetBytes(string.Concat(lines)), cancellation).AsTask();

    private static string Time(int minute) => new DateTime(2024, 1, 1).AddMinutes(minute).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    /// <summary>Minutes <paramref name="firstMinute"/> on, <paramref name="count"/> of them, a tick of A and of B each, closes that wander.</summary>
    private static IEnumerable<string> Lines(int firstMinute, int count) =>
        from minute in Enumerable.Range(firstMinute, count)
        from series in new[] { "A", "B" }
        let close = (10 + Math.Sin(minute * 0.7 + (series == "A" ? 0 : 1)) + minute * 0.05).ToString("0.####", CultureInfo.InvariantCulture)
        select $"{{\"timestamp\":\"{Time(minute)}\",\"ticker\":\"{series}\",\"open\":{close},\"high\":{close},\"low\":{close},\"close\":{close}}}\n";

    /// <summary>The run's progress lines on its standard error, read as far as a tick count.</summary>
    private sealed class ProgressReader(StreamReader errors)
    {
        public async Task WaitForTicks(long ticks, CancellationToken cancellation)
        {
            var seen = new List<string>();
            while (await errors.ReadLineAsync(cancellation) is { } line)
            {
                seen.Add(line);
                if (ProgressLine().Match(line) is { Success: true } progress && long.Parse(progress.Groups[1].Value.Replace(",", ""), CultureInfo.InvariantCulture) >= ticks) return;
            }
            throw new InvalidOperationException($"the run ended before {ticks} ticks: {string.Join("\n", seen.TakeLast(20))}");
        }
    }

    [GeneratedRegex(@"^live service: (http://\S+) ")]
    private static partial Regex LiveServiceLine();

    [GeneratedRegex(@"ticks ([\d,]+) .*rejected ([\d,]+)")]
    private static partial Regex ProgressLine();
}
