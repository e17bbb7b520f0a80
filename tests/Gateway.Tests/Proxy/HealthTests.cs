using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;

namespace PublicInnovation.Gateway.Tests.Proxy;

/// <summary>The gateway's probes answer for the gateway; no path leads to a service's own probes.</summary>
public sealed class HealthTests(GatewayFixture fixture) : IClassFixture<GatewayFixture>
{
    static CancellationToken Cancel => TestContext.Current.CancellationToken;

    // The server removes dot segments before routing, so these are the gateway's /health and match no proxy route.
    // The echo is shared by the class's tests (one of which sends "..%2Fhealth" inside a segment): what must never
    // reach it is a path with a whole "health" segment.
    [Theory]
    [InlineData("/health")]
    [InlineData("/api/catalogue/../../health")]
    [InlineData("/api/catalogue/%2E%2E/%2e%2e/health")]
    [InlineData("/api/forum/./../../health")]
    public async Task Get_health_is_answered_by_the_gateway_itself(string path)
    {
        var client = fixture.Gateway.CreateClient();

        var response = await client.GetAsync(Verbatim(client, path), Cancel);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var report = await response.Content.ReadFromJsonAsync<JsonElement>(Cancel);
        report.GetProperty("status").GetString().ShouldBe("Healthy");
        report.GetProperty("checks").TryGetProperty("self", out _).ShouldBeTrue();
        fixture.Echo.Received.ShouldNotContain(r => r.Path.Split('/').Contains("health", StringComparer.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Get_service_path_climbing_one_level_returns_404_and_reaches_nothing()
    {
        var client = fixture.Gateway.ClientWithToken();

        var response = await client.GetAsync(Verbatim(client, "/api/catalogue/../health"), Cancel);

        // Normalised to /api/health, which no route proxies.
        await response.ShouldBeProblemAsync(HttpStatusCode.NotFound);
        fixture.Echo.Received.ShouldNotContain(r => r.Path.Split('/').Contains("health", StringComparer.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Proxy_with_encoded_slashes_keeps_them_inside_one_segment()
    {
        var client = fixture.Gateway.ClientWithToken();
        var path = $"/api/catalogue/{Guid.NewGuid()}/..%2F..%2F..%2Fhealth";

        var response = await client.GetAsync(Verbatim(client, path), Cancel);

        // The server leaves %2F undecoded and YARP escapes its '%': the service sees a literal "%2F" inside one
        // segment, never a separator, so no encoding trick climbs out of the service prefix.
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await response.Content.ReadFromJsonAsync<EchoedRequest>(Cancel))!.RawTarget.ShouldBe(path.Replace("%2F", "%252F"));
    }

    [Fact]
    public async Task Get_alive_is_answered_by_the_gateway_itself()
    {
        var response = await fixture.Gateway.CreateClient().GetAsync("/alive", Cancel);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        fixture.Echo.Received.ShouldNotContain(r => r.Path.Split('/').Contains("alive", StringComparer.OrdinalIgnoreCase));
    }

    /// <summary>The path sent byte for byte: HttpClient would otherwise remove dot segments itself.</summary>
    static Uri Verbatim(HttpClient client, string path) =>
        new(client.BaseAddress + path.TrimStart('/'), new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true });

    [Fact]
    public void Routes_only_proxy_their_service_prefix()
    {
        var routes = fixture.Gateway.Services.GetRequiredService<IConfiguration>().GetSection("ReverseProxy:Routes").GetChildren().ToList();

        routes.Select(r => r["ClusterId"]).Distinct().ShouldBe(GatewayApp.ServiceNames, ignoreOrder: true);
        foreach (var route in routes)
            route["Match:Path"].ShouldNotBeNull().ShouldStartWith($"/api/{route["ClusterId"]}/", customMessage: route.Key);
    }
}
