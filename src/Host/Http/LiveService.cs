using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;
using RnnStream.Actors.Metrics;
using RnnStream.Actors.Protocol;
using RnnStream.Actors.Series;
using RnnStream.Host.Running;

namespace RnnStream.Host.Http;

/// <summary>
/// The operator's view of a running deployment, over HTTP (Kestrel on the Generic Host):
/// <c>/metrics</c> (Prometheus text from the run's <see cref="RunInstruments"/> and the runtime's
/// own meter, through OpenTelemetry's exporter), <c>/health</c>, <c>/series/{id}</c> (asked of the
/// key group that owns the series), <c>/series/{id}/events</c> (server-sent events), and the live
/// page at <c>/</c>, whose assets ship inside the program. On a loopback address by default; bound
/// anywhere else it requires a token, and a request without it gets 401.
/// </summary>
internal sealed class LiveService : IAsyncDisposable
{
    public const string TokenVariable = "RNNSTREAM_HTTP_TOKEN";
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(5);

    private readonly WebApplication _app;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _counting;

    private LiveService(WebApplication app, ServiceState state, Uri address)
    {
        _app = app;
        State = state;
        Address = address;
        _counting = CountSeriesAsync(_stopping.Token);
    }

    public ServiceState State { get; }

    /// <summary>Where it listens (with the real port when the deployment asked for any free one).</summary>
    public Uri Address { get; }

    /// <param name="evenIfOff">Serve even where the deployment turns HTTP off (<c>eval --http</c>): on its port, or any free one.</param>
    /// <returns>Null when the deployment turns HTTP off (<c>http.port = off</c>).</returns>
    public static async Task<LiveService?> StartAsync(Configuration.Deployment deployment, ServiceState state, bool evenIfOff = false)
    {
        if ((deployment.HttpPort ?? (evenIfOff ? 0 : null)) is not { } port) return null;
        string host = deployment.HttpHost;
        var address = host == "localhost" ? IPAddress.Loopback
            : IPAddress.TryParse(host, out var parsed) ? parsed
            : throw new ArgumentException($"http.host '{host}' is not an IP address (or localhost)");
        string? token = string.IsNullOrEmpty(deployment.HttpToken) ? Environment.GetEnvironmentVariable(TokenVariable) : deployment.HttpToken;
        if (!IPAddress.IsLoopback(address) && string.IsNullOrEmpty(token))
            throw new ArgumentException($"http.host {host} is reachable from other machines: set http.token (or {TokenVariable}), which every request must then carry");

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(address, port));
        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(RunInstruments.MeterName, "System.Runtime")
            .AddPrometheusExporter(exporter => exporter.ScrapeResponseCacheDurationMilliseconds = 0));
        var app = builder.Build();
        if (!string.IsNullOrEmpty(token)) app.Use((context, next) => Authorized(context.Request, token) ? next(context) : Unauthorized(context));
        Map(app, state);
        try
        {
            await app.StartAsync();
        }
        catch (IOException e)
        {
            await app.DisposeAsync();
            throw new ResourceInUseException($"the live service cannot listen on {host}:{port}: {e.GetBaseException().Message} (another process holds the port; http.port, or off)");
        }
        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new LiveService(app, state, new Uri(bound));
    }

    private static bool Authorized(HttpRequest request, string token) =>
        request.Headers.Authorization.ToString() == $"Bearer {token}" || request.Query["token"] == token;

    private static Task Unauthorized(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        return context.Response.WriteAsync("a token is required: Authorization: Bearer TOKEN, or ?token=TOKEN\n");
    }

    private static void Map(WebApplication app, ServiceState state)
    {
        app.MapPrometheusScrapingEndpoint("/metrics");
        app.MapGet("/health/live", () => Results.Text("live\n"));
        app.MapGet("/health/ready", () => state.Ready ? Results.Text("ready\n") : Results.Text("recovering\n", statusCode: StatusCodes.Status503ServiceUnavailable));
        app.MapGet("/health", () => Results.Json(new { live = true, ready = state.Ready }, statusCode: state.Ready ? 200 : 503));
        app.MapGet("/series", () => state.Run is { } run ? Results.Json(run.Metrics.SeriesIds) : NotReady());
        app.MapGet("/series/{id}", async (string id) =>
        {
            object answer;
            if (state.Run is { } run) answer = await run.DescribeSeries(id, AskTimeout);
            else if (state.KeyGroups is { } keyGroups) answer = await keyGroups.Ask(new SeriesMessageExtractor(keyGroups.Count).Partition(id), new SeriesQuery(id), AskTimeout);
            else return NotReady();
            return answer switch
            {
                SeriesStatus status => Results.Text(StatusJson(status), "application/json"),
                SeriesUnknown => Results.Json(new { error = $"no series '{id}' in this run" }, statusCode: StatusCodes.Status404NotFound),
                var other => throw new InvalidOperationException($"unexpected answer {other}"),
            };
        });
        app.MapGet("/series/{id}/events", async (string id, HttpContext context) =>
        {
            context.Response.Headers.ContentType = "text/event-stream";
            context.Response.Headers.CacheControl = "no-cache";
            await context.Response.Body.FlushAsync(context.RequestAborted);
            try
            {
                await foreach (string json in state.Events.Watch(id, context.RequestAborted))
                {
                    await context.Response.WriteAsync($"data: {json}\n\n", context.RequestAborted);
                    await context.Response.Body.FlushAsync(context.RequestAborted);
                }
            }
            catch (OperationCanceledException)
            {
                // The page went away.
            }
        });
        app.MapGet("/retrains", () => state.Run is { } run ? Results.Json(run.Metrics.Retrains.Select(r => new
        {
            fromVersion = r.FromVersion,
            promotedVersion = r.Promoted?.Version,
            promoted = r.WasPromoted,
            trainWindows = r.TrainWindows,
            holdoutWindows = r.HoldoutWindows,
            championLoss = Finite(r.ChampionLoss),
            challengerLoss = Finite(r.ChallengerLoss),
            kind = r.Kind.ToString(),
            verdict = r.Verdict,
        })) : NotReady());
        app.MapGet("/stats", () => state.Run is { } run ? Results.Json(new
        {
            deployment = state.Description,
            ticks = run.Metrics.Predictions,
            ticksPerSecond = run.Metrics.TicksPerSecond,
            inFlight = run.Metrics.InFlight.Ticks,
            latencyP50Ms = run.Metrics.Latency.Count > 0 ? run.Metrics.Latency.Percentile(0.5) / 1000 : (double?)null,
            latencyP99Ms = run.Metrics.Latency.Count > 0 ? run.Metrics.Latency.Percentile(0.99) / 1000 : (double?)null,
            rejects = run.Metrics.RejectsByReason.ToDictionary(r => r.Key.ToString(), r => r.Value),
            failures = run.Metrics.Failures,
            weightsVersion = run.Registry.Version,
            series = run.Metrics.SeriesCount,
        }) : NotReady());
        app.MapGet("/", () => Page("index.html", "text/html; charset=utf-8"));
        app.MapGet("/page.js", () => Page("page.js", "text/javascript; charset=utf-8"));
        app.MapGet("/page.css", () => Page("page.css", "text/css; charset=utf-8"));
    }

    private static double? Finite(double value) => double.IsFinite(value) ? value : null;

    private static IResult NotReady() => Results.Json(new { error = "the run is still recovering (on a cluster, the run's figures are on the coordinating node)" },
        statusCode: StatusCodes.Status503ServiceUnavailable);

    private static IResult Page(string name, string contentType)
    {
        using var resource = typeof(LiveService).Assembly.GetManifestResourceStream($"page/{name}")
            ?? throw new InvalidOperationException($"the page asset {name} is not in the program");
        using var reader = new StreamReader(resource);
        return Results.Text(reader.ReadToEnd(), contentType);
    }

    /// <summary>A series as JSON: numbers as the outputs write them, so the page and this answer can be compared exactly.</summary>
    public static string StatusJson(SeriesStatus status)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("series", status.SeriesId);
            json.WriteBoolean("live", status.Live);
            json.WriteNumber("ticks", status.Ticks);
            json.WriteStartObject("lastTick");
            json.WriteString("time", status.LastTickTime);
            json.WriteStartObject("values");
            for (int i = 0; i < status.Features.Count; i++) json.WriteNumber(status.Features[i], status.LastValues[i]);
            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteStartObject("forecast");
            if (status.TargetTime is { } target) json.WriteString("targetTime", target);
            else json.WriteNull("targetTime");
            json.WriteStartArray("targets");
            foreach (string name in status.Targets) json.WriteStringValue(name);
            json.WriteEndArray();
            SeriesEvents.WriteFloats(json, "predicted", status.Predicted);
            SeriesEvents.WriteFloats(json, "lower", status.Lower);
            SeriesEvents.WriteFloats(json, "upper", status.Upper);
            json.WriteString("forecaster", status.Forecaster);
            json.WriteNumber("weightsVersion", status.WeightsVersion);
            json.WriteEndObject();
            if (status.Scores is { } scores)
            {
                json.WriteStartObject("scores");
                json.WriteNumber("count", scores.Count);
                WriteNumber(json, "mae", scores.Mae);
                WriteNumber(json, "rmse", scores.Rmse);
                WriteNumber(json, "mase", scores.Mase);
                WriteNumber(json, "coverage", scores.Coverage);
                json.WriteEndObject();
            }
            else json.WriteNull("scores");
            json.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void WriteNumber(Utf8JsonWriter json, string name, double value)
    {
        if (double.IsFinite(value)) json.WriteNumber(name, value);
        else json.WriteNull(name);
    }

    /// <summary>Live and passivated series for /metrics, asked of every key group every two seconds (off the stream's path).</summary>
    private async Task CountSeriesAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(2), stopping);
                if (State.Run is not { KeyGroups: { } keyGroups }) continue;
                // On a cluster every key group answers across the network: the coordinating node counts them all.
                var counts = await Task.WhenAll(Enumerable.Range(0, keyGroups.Count).Select(keyGroup => keyGroups.Ask(keyGroup, SeriesPartition.CountSeries.Instance, AskTimeout)));
                var typed = counts.OfType<SeriesPartition.SeriesCounts>().ToList();
                State.Counted(typed.Sum(c => (long)c.Active), typed.Sum(c => (long)c.Passivated));
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (Exception)
            {
                // A key group busy past the timeout, or stopping with the run: the next count tells.
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _counting;
        await _app.StopAsync();
        await _app.DisposeAsync();
        State.Dispose();
        _stopping.Dispose();
    }
}
