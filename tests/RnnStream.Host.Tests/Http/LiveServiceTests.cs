using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using RnnStream.Host.Configuration;
using RnnStream.Host.Http;
using RnnStream.Host.Running;
using Xunit;

namespace RnnStream.Host.Tests.Http;

/// <summary>The live service's own rules: where it may listen, who may ask, and what it says before the run is ready.</summary>
public sealed class LiveServiceTests
{
    private static Deployment With(params string[] overrides) => new(DeploymentConfig.Load(RepositoryPaths.Config("prices.conf"), overrides));

    [Fact]
    public async Task Off_means_no_service()
    {
        Assert.Null(await LiveService.StartAsync(With("http.port=off"), new ServiceState()));
    }

    [Fact]
    public async Task An_address_other_machines_reach_is_refused_without_a_token()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => LiveService.StartAsync(With("http.host=0.0.0.0"), new ServiceState()));
        Assert.Contains("http.token", error.Message);
    }

    [Fact]
    public async Task With_a_token_every_request_must_carry_it_as_a_bearer_or_in_the_query()
    {
        await using var service = await LiveService.StartAsync(With("http.token=s3cret"), new ServiceState());
        using var http = new HttpClient { BaseAddress = service!.Address };
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/metrics?token=wrong")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health/live?token=s3cret")).StatusCode);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/health/live") { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", "s3cret") } };
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(request)).StatusCode);
    }

    [Fact]
    public async Task Before_the_run_has_recovered_it_is_live_but_not_ready()
    {
        await using var service = await LiveService.StartAsync(With(), new ServiceState());
        using var http = new HttpClient { BaseAddress = service!.Address };
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await http.GetAsync("/health/ready")).StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await http.GetAsync("/series/IBM")).StatusCode);
        Assert.Contains("<canvas id=\"chart\"", await http.GetStringAsync("/"));
        Assert.Contains("EventSource", await http.GetStringAsync("/page.js"));
    }

    [Fact]
    public async Task A_port_in_use_is_an_error_that_names_the_address_and_the_port()
    {
        var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        try
        {
            int port = ((IPEndPoint)taken.LocalEndpoint).Port;
            var error = await Assert.ThrowsAsync<ResourceInUseException>(() => LiveService.StartAsync(With($"http.port={port}"), new ServiceState()));
            Assert.Contains($"127.0.0.1:{port}", error.Message);
        }
        finally
        {
            taken.Stop();
        }
    }
}
