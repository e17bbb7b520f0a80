using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using PublicInnovation.AppHost.Infrastructure;
using Shouldly;

namespace PublicInnovation.EndToEnd.Tests;

/// <summary>
/// The whole platform as `bash scripts/run.sh` starts it: private RabbitMQ and PostgreSQL, five services, the
/// gateway. Everything goes through the gateway, with tokens from the AppHost's token command.
/// </summary>
public sealed class WalkingSkeletonTests
{
    static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Skeleton_walks_through_the_gateway_in_one_trace_and_stopping_leaves_nothing_running()
    {
        var apphost = await AppHostProcess.StartAsync();
        await using var _ = apphost;
        var pids = (await apphost.ResourcesAsync())
            .Select(r => r.TryGetProperty("pid", out var pid) && pid.ValueKind == JsonValueKind.Number ? pid.GetInt32() : 0)
            .Where(pid => pid > 0).ToList();
        pids.Count.ShouldBeGreaterThanOrEqualTo(6, "five services and the gateway run as processes");

        var operatorToken = await apphost.TokenAsync("operator");
        var learnerId = Guid.NewGuid();
        var learnerToken = await apphost.TokenAsync("learner", learnerId);

        // 1. An operator creates and publishes a course; bad input and the wrong role are refused.
        var invalid = await SendAsync(apphost, HttpMethod.Post, "/api/catalogue/courses", operatorToken, new { title = "", summary = "s", language = "zz" });
        invalid.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await invalid.Content.ReadAsStringAsync(cancellationToken: TestContext.Current.CancellationToken)).ShouldContain("\"language\"");
        (await SendAsync(apphost, HttpMethod.Post, "/api/catalogue/courses", learnerToken, new { title = "t", summary = "s", language = "fr" }))
            .StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await SendAsync(apphost, HttpMethod.Post, "/api/catalogue/courses", null, new { title = "t", summary = "s", language = "fr" }))
            .StatusCode.ShouldBe(HttpStatusCode.Unauthorized);

        var created = await SendAsync(apphost, HttpMethod.Post, "/api/catalogue/courses", operatorToken,
            new { title = "Comment le numérique transforme-t-il les transports publics ?", summary = "Webinaire du mardi, 13h30", language = "fr" });
        created.StatusCode.ShouldBe(HttpStatusCode.Created);
        var courseId = (await created.Content.ReadFromJsonAsync<JsonElement>(cancellationToken: TestContext.Current.CancellationToken)).GetProperty("id").GetGuid();
        (await SendAsync(apphost, HttpMethod.Post, $"/api/catalogue/courses/{courseId}/publish", operatorToken)).StatusCode.ShouldBe(HttpStatusCode.OK);

        // 2-3. Enrollment learns of the course only through CoursePublished: until it arrives, the course is unknown (404).
        var traceId = ActivityTraceId.CreateRandom();
        HttpResponseMessage enrolled = null!;
        await Eventually(async () =>
        {
            enrolled = await SendAsync(apphost, HttpMethod.Post, "/api/enrollment/enrollments", learnerToken, new { courseId },
                traceparent: $"00-{traceId}-{ActivitySpanId.CreateRandom()}-01");
            if (enrolled.StatusCode == HttpStatusCode.NotFound) return false;
            enrolled.StatusCode.ShouldBe(HttpStatusCode.Created);
            return true;
        }, "enrollment knows the published course");
        var twice = await SendAsync(apphost, HttpMethod.Post, "/api/enrollment/enrollments", learnerToken, new { courseId });
        twice.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        var enrollments = await GetJsonAsync(apphost, $"/api/enrollment/courses/{courseId}/enrollments", operatorToken);
        enrollments.GetArrayLength().ShouldBe(1);

        // 4. Webinar, forum and certification each record the enrollment from LearnerEnrolled.
        foreach (var path in new[] { "webinar/courses/{0}/participants", "forum/courses/{0}/members", "certification/courses/{0}/candidates" })
        {
            var url = "/api/" + string.Format(path, courseId);
            await Eventually(async () =>
            {
                var rows = await GetJsonAsync(apphost, url, operatorToken);
                return rows.EnumerateArray().Any(r => r.GetProperty("learnerId").GetGuid() == learnerId);
            }, $"{url} lists the learner");
        }

        // One trace: the gateway's span, Enrollment's, and a consumer's in another service, across the broker.
        JsonElement[] spans = [];
        await Eventually(async () =>
        {
            var response = await apphost.Dashboard.GetAsync($"/api/traces/{traceId}");
            if (!response.IsSuccessStatusCode) return false;
            spans = SpansOf(await response.Content.ReadFromJsonAsync<JsonElement>());
            var services = spans.Select(s => s.GetProperty("service").GetString()).ToHashSet();
            return services.Contains("gateway") && services.Contains("enrollment")
                && (services.Contains("webinar") || services.Contains("forum") || services.Contains("certification"));
        }, "the AppHost has received the gateway's, enrollment's and a consumer's spans of the enrollment trace");
        spans.ShouldContain(s => s.GetProperty("service").GetString() != "enrollment" && s.GetProperty("service").GetString() != "gateway"
            && s.GetProperty("kind").GetString() == "Consumer");

        // Stopping (SIGTERM, as Ctrl+C) leaves no process and no port behind.
        await apphost.StopAsync(TimeSpan.FromSeconds(60));
        foreach (var pid in pids)
            OsProcess.IsAlive(pid).ShouldBeFalse($"process {pid} outlived the AppHost");
        foreach (var port in new[] { apphost.GatewayPort, apphost.RabbitPort, apphost.PostgresPort, apphost.DashboardPort })
            (await Ports.AcceptsAsync(port, cancellationToken: TestContext.Current.CancellationToken)).ShouldBeFalse($"port {port} still accepts connections");
    }

    [Fact]
    public async Task Start_after_the_apphost_was_killed_recovers_without_manual_cleanup()
    {
        var first = await AppHostProcess.StartAsync();
        try
        {
            var pids = (await first.ResourcesAsync())
                .Select(r => r.TryGetProperty("pid", out var pid) && pid.ValueKind == JsonValueKind.Number ? pid.GetInt32() : 0)
                .Where(pid => pid > 0).ToList();
            await first.CrashAsync();

            // Same data folder and ports: stale nodes, pid files and still-listening children must be dealt with.
            await using var second = await AppHostProcess.StartAsync(first);
            foreach (var pid in pids)
                OsProcess.IsAlive(pid).ShouldBeFalse($"process {pid} of the killed AppHost is still running");
            var token = await second.TokenAsync("learner");
            (await SendAsync(second, HttpMethod.Get, "/api/catalogue/courses", token)).StatusCode.ShouldBe(HttpStatusCode.OK);
        }
        finally
        {
            await first.DisposeAsync();
        }
    }

    static JsonElement[] SpansOf(JsonElement trace) =>
        trace.ValueKind == JsonValueKind.Array ? trace.EnumerateArray().ToArray()
        : trace.TryGetProperty("spans", out var spans) ? spans.EnumerateArray().ToArray() : [];

    static async Task<HttpResponseMessage> SendAsync(AppHostProcess apphost, HttpMethod method, string path, string? token,
        object? body = null, string? traceparent = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (body is not null) request.Content = JsonContent.Create(body);
        if (traceparent is not null) request.Headers.Add("traceparent", traceparent);
        return await apphost.Gateway.SendAsync(request);
    }

    static async Task<JsonElement> GetJsonAsync(AppHostProcess apphost, string path, string token)
    {
        var response = await SendAsync(apphost, HttpMethod.Get, path, token);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, path);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    static async Task Eventually(Func<Task<bool>> condition, string because)
    {
        var stopwatch = Stopwatch.StartNew();
        while (stopwatch.Elapsed < Deadline)
        {
            if (await condition()) return;
            await Task.Delay(250);
        }
        throw new TimeoutException($"Not true within {Deadline}: {because}");
    }
}
