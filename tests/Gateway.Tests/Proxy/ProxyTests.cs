using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Shouldly;

namespace PublicInnovation.Gateway.Tests.Proxy;

public sealed class ProxyTests(GatewayFixture fixture) : IClassFixture<GatewayFixture>
{
    static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("catalogue")]
    [InlineData("enrollment")]
    [InlineData("webinar")]
    [InlineData("forum")]
    [InlineData("certification")]
    public async Task Proxy_with_token_reaches_service_with_path_unchanged(string service)
    {
        var path = $"/api/{service}/things/{Guid.NewGuid()}?page=2&q=caf%C3%A9";
        var client = fixture.Gateway.ClientWithToken();

        var response = await client.GetAsync(path, Cancel);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var seen = (await response.Content.ReadFromJsonAsync<EchoedRequest>(Cancel))!;
        seen.RawTarget.ShouldBe(path);
        seen.Header("Authorization").ShouldBe(client.DefaultRequestHeaders.Authorization!.ToString());
    }

    [Fact]
    public async Task Proxy_with_traceparent_forwards_same_trace_and_forwarded_headers()
    {
        var traceId = ActivityTraceId.CreateRandom();
        var callerSpan = ActivitySpanId.CreateRandom();
        var client = fixture.Gateway.ClientWithToken();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/catalogue/courses/{Guid.NewGuid()}");
        request.Headers.Add("traceparent", $"00-{traceId}-{callerSpan}-01");

        var response = await client.SendAsync(request, Cancel);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var seen = (await response.Content.ReadFromJsonAsync<EchoedRequest>(Cancel))!;
        var traceparent = seen.Header("traceparent")!.Split('-');
        traceparent[1].ShouldBe(traceId.ToHexString());
        // The gateway's own client span is the service's parent, not the caller's span.
        traceparent[2].ShouldNotBe(callerSpan.ToHexString());
        seen.Header("X-Forwarded-For").ShouldBe("127.0.0.1");
        seen.Header("X-Forwarded-Proto").ShouldBe("http");
        seen.Header("X-Forwarded-Host").ShouldBe(client.BaseAddress!.Authority);
    }

    [Fact]
    public async Task Proxy_without_token_returns_401_and_never_reaches_service()
    {
        var prefix = $"/api/enrollment/enrollments/{Guid.NewGuid()}";

        var response = await fixture.Gateway.CreateClient().GetAsync(prefix, Cancel);

        await response.ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        response.Headers.WwwAuthenticate.ToString().ShouldStartWith("Bearer");
        fixture.Echo.ReceivedUnder(prefix).ShouldBeEmpty();
    }

    [Fact]
    public async Task Proxy_with_token_signed_by_another_key_returns_401()
    {
        var prefix = $"/api/forum/threads/{Guid.NewGuid()}";
        var client = fixture.Gateway.CreateClient();
        var forged = fixture.Gateway.Tokens.Mint("operator", "intruder", signingKey: System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        client.DefaultRequestHeaders.Authorization = new("Bearer", forged);

        var response = await client.GetAsync(prefix, Cancel);

        await response.ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        response.Headers.WwwAuthenticate.ToString().ShouldContain("invalid_token");
        fixture.Echo.ReceivedUnder(prefix).ShouldBeEmpty();
    }

    [Fact]
    public async Task Proxy_with_token_expired_beyond_clock_skew_returns_401()
    {
        var prefix = $"/api/webinar/sessions/{Guid.NewGuid()}";
        var client = fixture.Gateway.CreateClient();
        client.DefaultRequestHeaders.Authorization =
            new("Bearer", fixture.Gateway.Tokens.Mint("learner", "web", expires: DateTime.UtcNow.AddSeconds(-45)));

        var response = await client.GetAsync(prefix, Cancel);

        await response.ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        response.Headers.WwwAuthenticate.ToString().ShouldContain("expired");
        fixture.Echo.ReceivedUnder(prefix).ShouldBeEmpty();
    }

    [Theory]
    [InlineData("catalogue")]
    [InlineData("enrollment")]
    [InlineData("webinar")]
    [InlineData("forum")]
    [InlineData("certification")]
    public async Task Get_openapi_document_without_token_reaches_service(string service)
    {
        var client = fixture.Gateway.CreateClient();

        var response = await client.GetAsync($"/api/{service}/openapi/v1.json", Cancel);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var seen = (await response.Content.ReadFromJsonAsync<EchoedRequest>(Cancel))!;
        seen.RawTarget.ShouldBe($"/api/{service}/openapi/v1.json");
        seen.Header("Authorization").ShouldBeNull();
    }

    [Theory]
    [InlineData("POST", "/api/catalogue/openapi/v1.json")]
    [InlineData("GET", "/api/catalogue/openapi/v2.json")]
    [InlineData("GET", "/api/catalogue/openapi/v1.json/extra")]
    public async Task Request_next_to_openapi_document_without_token_returns_401(string method, string path)
    {
        var response = await fixture.Gateway.CreateClient().SendAsync(new HttpRequestMessage(new HttpMethod(method), path), Cancel);

        await response.ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Proxy_to_a_service_that_is_down_returns_502_problem()
    {
        await using var gateway = GatewayApp.Start(fixture.Echo.Url, new Dictionary<string, string?>
        {
            ["services:forum:http:0"] = $"http://127.0.0.1:{ClosedPort()}",
        });

        var response = await gateway.ClientWithToken().GetAsync("/api/forum/threads", Cancel);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadGateway);
        problem.GetProperty("detail").GetString().ShouldBe("The forum service could not be reached or failed to answer.");
        problem.GetProperty("instance").GetString().ShouldBe("/api/forum/threads");
    }

    [Fact]
    public async Task Proxy_to_a_service_with_two_addresses_reaches_both()
    {
        await using var replica = await EchoServer.StartAsync();
        await using var gateway = GatewayApp.Start(fixture.Echo.Url, new Dictionary<string, string?>
        {
            ["services:catalogue:http:1"] = replica.Url,
            ["ReverseProxy:Clusters:catalogue:LoadBalancingPolicy"] = "RoundRobin",
        });
        var client = gateway.ClientWithToken();
        var prefix = $"/api/catalogue/courses/{Guid.NewGuid()}";

        for (var i = 0; i < 2; i++)
            (await client.GetAsync($"{prefix}?i={i}", Cancel)).StatusCode.ShouldBe(HttpStatusCode.OK);

        fixture.Echo.ReceivedUnder(prefix).Count.ShouldBe(1);
        replica.ReceivedUnder(prefix).Count.ShouldBe(1);
    }

    [Fact]
    public void Start_without_a_service_address_fails_naming_the_variable()
    {
        var start = () => GatewayApp.Start(fixture.Echo.Url, new Dictionary<string, string?> { ["services:webinar:http:0"] = null });

        var failure = Should.Throw<Exception>(start);

        failure.ToString().ShouldContain("services__webinar__http__0");
    }

    /// <summary>A port nothing listens on: bound by the OS, then released.</summary>
    static int ClosedPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
