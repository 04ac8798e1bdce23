using System.Globalization;
using Akka.Actor;
using Akka.Configuration;
using Akka.Hosting;
using Akka.Streams;
using Akka.Streams.TestKit;
using Akka.TestKit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using RnnStream.Feeds.Records;
using RnnStream.Host.Embedding;
using Xunit;

namespace RnnStream.Host.Tests.Embedding;

/// <summary>
/// What README shows an application's own test doing: RnnStream added to the application's host
/// with one Akka.Hosting call, a simulated stream of ticks driven in through Akka.Streams.TestKit
/// probes, and time (a retrain every minute) advanced by the test scheduler instead of waited for.
/// </summary>
public sealed class ForecastingServiceTests : Akka.TestKit.Xunit2.TestKit
{
    private const string Deployment = """
        rnnstream {
          feed { format = json, timestamp-column = time, series-column = sensor, features = [value], targets = [value] }
          model { cell = gru, layers = [8] }
          series { target = change, window = 32, train-every = 8 }
          training { mode = live, every-wall-clock = 1m, batches = 50, min-windows = 16 }
        }
        """;

    private readonly IHost _host;

    public ForecastingServiceTests() : this(StartHost()) { }

    private ForecastingServiceTests(IHost host) : base(host.Services.GetRequiredService<ActorSystem>()) => _host = host;

    private static IHost StartHost()
    {
        var host = new HostBuilder()
            .ConfigureServices(services => services.AddAkka("forecasting", akka => akka
                // The test scheduler owns time here: "every minute" comes when the test advances it.
                .AddHocon(ConfigurationFactory.ParseString("akka.scheduler.implementation = \"Akka.TestKit.TestScheduler, Akka.TestKit\""), HoconAddMode.Prepend)
                .WithRnnStream(RnnStreamDeployment.FromHocon(Deployment))))
            .Build();
        host.Start();
        return host;
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing) _host.Dispose();
    }

    /// <summary>A sine a period of 12 ticks long per sensor, a minute apart, as JSON lines.</summary>
    private static string Tick(string sensor, int minute) =>
        $"{{\"time\":\"{new DateTime(2025, 1, 1).AddMinutes(minute):yyyy-MM-ddTHH:mm:ssZ}\",\"sensor\":\"{sensor}\",\"value\":" +
        $"{(20 + 5 * Math.Sin(minute * 2 * Math.PI / 12 + (sensor == "b" ? 1 : 0))).ToString(CultureInfo.InvariantCulture)}}}";

    [Fact]
    public async Task Every_tick_is_forecast_a_bad_line_is_rejected_and_a_retrain_the_scheduler_triggers_swaps_in_new_weights()
    {
        var endpoint = await RnnStreamEndpoint.ConnectAsync(_host.Services.GetRequiredService<ActorRegistry>());
        var materializer = Sys.Materializer();
        var predictions = endpoint.Predictions.RunWith(this.SinkProbe<Prediction>(), materializer);
        var rejects = endpoint.Rejects.RunWith(this.SinkProbe<Rejected>(), materializer);
        var ticks = this.SourceProbe<string>().To(endpoint.Lines).Run(materializer);
        predictions.Request(10_000);
        rejects.Request(10);

        for (int minute = 0; minute < 300; minute++)
        {
            ticks.SendNext(Tick("a", minute));
            ticks.SendNext(Tick("b", minute));
        }
        var first = predictions.ExpectNextN(600);
        Assert.All(first, p => Assert.Equal(0, p.WeightsVersion));
        Assert.Equal(["a", "b"], first.Select(p => p.SeriesId).Distinct().Order());
        Assert.All(first, p => Assert.True(float.IsFinite(p.Predicted[0])));

        ticks.SendNext("{\"time\":\"not a time\",\"sensor\":\"a\",\"value\":1}");
        Assert.Equal(RejectReason.UnparseableTimestamp, rejects.ExpectNext().Reason);

        // A minute later by the scheduler's clock the trainer retrains on the windows it holds; the
        // retrain itself takes real time, so ticks keep coming until a forecast names the new weights.
        ((TestScheduler)Sys.Scheduler).Advance(TimeSpan.FromMinutes(1));
        int next = 300;
        await AwaitAssertAsync(() =>
        {
            ticks.SendNext(Tick("a", next++));
            Assert.Equal(1, predictions.ExpectNext().WeightsVersion);
        }, TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(50));
    }
}
