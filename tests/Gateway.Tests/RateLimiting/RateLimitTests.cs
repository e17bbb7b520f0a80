using System.Net;
using Shouldly;

namespace PublicInnovation.Gateway.Tests.RateLimiting;

/// <summary>A gateway of its own with 2 requests per minute, so the window never turns during a test.</summary>
public sealed class RateLimitTests : IAsyncLifetime
{
    const int Permits = 2;

    static CancellationToken Cancel => TestContext.Current.CancellationToken;

    EchoServer _echo = null!;
    GatewayApp _gateway = null!;

    public async ValueTask InitializeAsync()
    {
        _echo = await EchoServer.StartAsync();
        _gateway = GatewayApp.Start(_echo.Url, new Dictionary<string, string?>
        {
            ["RateLimiting:PermitsPerWindow"] = Permits.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["RateLimiting:Window"] = "00:01:00",
        });
    }

    public async ValueTask DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _echo.DisposeAsync();
    }

    [Fact]
    public async Task Proxy_past_client_limit_returns_429_with_retry_after_and_never_reaches_service()
    {
        var client = _gateway.ClientWithToken("partner-app-a");
        for (var i = 0; i < Permits; i++)
            (await client.GetAsync($"/api/catalogue/courses?i={i}", Cancel)).StatusCode.ShouldBe(HttpStatusCode.OK);
        var rejected = $"/api/catalogue/courses/{Guid.NewGuid()}";

        var response = await client.GetAsync(rejected, Cancel);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.TooManyRequests);
        var retryAfter = response.Headers.RetryAfter.ShouldNotBeNull().Delta.ShouldNotBeNull();
        retryAfter.ShouldBeInRange(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60));
        problem.GetProperty("detail").GetString()!.ShouldContain($"{Permits} requests per 60 s");
        _echo.ReceivedUnder(rejected).ShouldBeEmpty();
    }

    [Fact]
    public async Task Proxy_past_one_client_limit_leaves_another_client_unaffected()
    {
        var first = _gateway.ClientWithToken("partner-app-b");
        for (var i = 0; i <= Permits; i++)
            await first.GetAsync("/api/webinar/sessions", Cancel);
        (await first.GetAsync("/api/webinar/sessions", Cancel)).StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);

        var response = await _gateway.ClientWithToken("partner-app-c").GetAsync("/api/webinar/sessions", Cancel);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Proxy_by_two_users_of_one_client_shares_that_client_limit()
    {
        for (var i = 0; i < Permits; i++)
            (await _gateway.ClientWithToken("web-front-d").GetAsync("/api/forum/threads", Cancel)).StatusCode.ShouldBe(HttpStatusCode.OK);

        // A token with another subject but the same client id: the limit belongs to the application.
        var response = await _gateway.ClientWithToken("web-front-d").GetAsync("/api/forum/threads", Cancel);

        response.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
    }

    [Fact]
    public async Task Proxy_with_tokens_without_client_id_limits_each_user_separately()
    {
        var first = _gateway.CreateClient();
        first.DefaultRequestHeaders.Authorization = new("Bearer", _gateway.Tokens.Mint("learner", clientId: null));
        for (var i = 0; i < Permits; i++)
            (await first.GetAsync("/api/enrollment/enrollments", Cancel)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await first.GetAsync("/api/enrollment/enrollments", Cancel)).StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        var second = _gateway.CreateClient();
        second.DefaultRequestHeaders.Authorization = new("Bearer", _gateway.Tokens.Mint("learner", clientId: null));

        var response = await second.GetAsync("/api/enrollment/enrollments", Cancel);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
    }
}
