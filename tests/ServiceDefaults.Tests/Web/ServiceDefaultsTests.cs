using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using PublicInnovation.ServiceDefaults.Auth;
using Shouldly;

namespace PublicInnovation.ServiceDefaults.Tests.Web;

public sealed class ServiceDefaultsTests : IAsyncLifetime
{
    DefaultsTestApp _app = null!;

    public async ValueTask InitializeAsync() => _app = await DefaultsTestApp.StartAsync();

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    [Fact]
    public async Task Health_probes_are_answered_but_not_traced()
    {
        (await _app.GetAsync("/health")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await _app.GetAsync("/alive")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await _app.GetAsync("/ping")).StatusCode.ShouldBe(HttpStatusCode.OK);

        // The test server completes the request before the span ends: wait for the traced one, then compare.
        await PublicInnovation.Testing.Eventually.WaitUntilAsync(
            () => Task.FromResult(Spans().Any(a => a.GetTagItem("url.path") as string == "/ping")), TimeSpan.FromSeconds(10), "the /ping span is exported");
        // Requests run one after another and spans export as they end: the probes' spans would be here by now.
        var request = Spans().Where(a => a.Source.Name == "Microsoft.AspNetCore").ShouldHaveSingleItem();
        request.DisplayName.ShouldBe("GET /ping");
        request.GetTagItem("http.route").ShouldBe("/ping");
        request.GetTagItem("http.response.status_code").ShouldBe(200);
    }

    [Fact]
    public async Task Unhandled_exception_returns_problem_json_500_without_internals()
    {
        var response = await _app.GetAsync("/boom");

        response.StatusCode.ShouldBe(HttpStatusCode.InternalServerError);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        (await response.Content.ReadAsStringAsync(cancellationToken: TestContext.Current.CancellationToken)).ShouldNotContain("secret internals");
    }

    [Fact]
    public async Task Unknown_route_returns_problem_json_404()
    {
        var response = await _app.GetAsync("/nowhere", DefaultsTestApp.Token(Roles.Learner));

        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
    }

    [Fact]
    public async Task Endpoint_without_explicit_policy_requires_a_token()
    {
        (await _app.GetAsync("/anyone")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await _app.GetAsync("/anyone", DefaultsTestApp.Token(Roles.Partner))).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData(Roles.Operator, HttpStatusCode.OK)]
    [InlineData(Roles.Learner, HttpStatusCode.Forbidden)]
    [InlineData(Roles.Moderator, HttpStatusCode.Forbidden)]
    public async Task Role_policy_admits_only_its_role(string role, HttpStatusCode expected)
    {
        (await _app.GetAsync("/operators", DefaultsTestApp.Token(role))).StatusCode.ShouldBe(expected);
    }

    [Fact]
    public async Task Token_with_wrong_issuer_audience_key_or_expired_returns_401()
    {
        var otherKey = Convert.ToBase64String(Guid.NewGuid().ToByteArray().Concat(Guid.NewGuid().ToByteArray()).ToArray());
        string[] rejected =
        [
            DefaultsTestApp.Token(Roles.Operator, issuer: "someone-else"),
            DefaultsTestApp.Token(Roles.Operator, audience: "another-api"),
            DefaultsTestApp.Token(Roles.Operator, key: otherKey),
            DefaultsTestApp.Token(Roles.Operator, expires: DateTime.UtcNow.AddSeconds(-45)),
        ];

        foreach (var token in rejected)
        {
            var response = await _app.GetAsync("/operators", token);
            response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
            response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        }
    }

    [Fact]
    public async Task Token_expired_within_the_30_second_skew_is_still_accepted()
    {
        (await _app.GetAsync("/operators", DefaultsTestApp.Token(Roles.Operator, expires: DateTime.UtcNow.AddSeconds(-10))))
            .StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Development_signing_key_outside_development_refuses_to_start()
    {
        var failure = await Should.ThrowAsync<InvalidOperationException>(() => DefaultsTestApp.StartAsync("Production"));

        failure.Message.ShouldContain("Auth:DevSigningKey is only accepted in the Development environment");
    }

    IReadOnlyList<System.Diagnostics.Activity> Spans()
    {
        lock (_app.Exporter.Exported) return _app.Exporter.Exported.ToList();
    }
}
