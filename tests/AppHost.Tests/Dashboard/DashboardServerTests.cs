using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using PublicInnovation.AppHost.Dashboard;
using Shouldly;

namespace PublicInnovation.AppHost.Tests.Dashboard;

/// <summary>The receiver fed by the OpenTelemetry OTLP exporter the services use, over real HTTP.</summary>
public sealed class DashboardServerTests : IAsyncLifetime
{
    static CancellationToken Cancel => TestContext.Current.CancellationToken;

    DashboardServer _dashboard = null!;
    readonly HttpClient _http = new();
    readonly List<ResourceSnapshot> _resources = [new("messaging", "rabbitmq", "Running", ["amqp://127.0.0.1:5680/"], 42)];

    public async ValueTask InitializeAsync()
    {
        _dashboard = await DashboardServer.StartAsync(port: 0, new TraceStore(), () => _resources);
        _http.BaseAddress = _dashboard.Url;
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _dashboard.DisposeAsync();
    }

    [Fact]
    public async Task Export_from_the_OTLP_exporter_is_listed_as_one_trace_with_its_spans()
    {
        var service = "otlp-" + Guid.NewGuid().ToString("N")[..8];
        using var source = new ActivitySource("PublicInnovation.Tests.Otlp");
        string traceId, rootId, childId;
        using (var tracing = Sdk.CreateTracerProviderBuilder()
                   .SetResourceBuilder(ResourceBuilder.CreateEmpty().AddService(service))
                   .AddSource(source.Name)
                   .AddOtlpExporter(otlp =>
                   {
                       otlp.Endpoint = new Uri(_dashboard.Url, "/v1/traces");
                       otlp.Protocol = OtlpExportProtocol.HttpProtobuf;
                       otlp.ExportProcessorType = ExportProcessorType.Simple;
                   })
                   .Build())
        {
            using (var server = source.StartActivity("POST /api/enrollment/enrollments", ActivityKind.Server)!)
            {
                using (var producer = source.StartActivity("enrollment publish", ActivityKind.Producer)!)
                {
                    producer.SetTag("messaging.system", "rabbitmq");
                    producer.SetTag("retry.count", 3);
                    producer.SetTag("retry.allowed", true);
                    producer.SetStatus(ActivityStatusCode.Error, "broker unreachable");
                    childId = producer.SpanId.ToHexString();
                }
                traceId = server.TraceId.ToHexString();
                rootId = server.SpanId.ToHexString();
            }
            tracing.ForceFlush();
        }

        var trace = (await _http.GetFromJsonAsync<JsonElement[]>($"/api/traces?service={service}&limit=5", cancellationToken: Cancel))!.ShouldHaveSingleItem();
        trace.GetProperty("traceId").GetString().ShouldBe(traceId);
        trace.GetProperty("rootSpan").GetString().ShouldBe("POST /api/enrollment/enrollments");
        trace.GetProperty("spanCount").GetInt32().ShouldBe(2);
        trace.GetProperty("services").EnumerateArray().Select(s => s.GetString()).ShouldBe([service]);

        var spans = (await _http.GetFromJsonAsync<JsonElement[]>($"/api/traces/{traceId}", cancellationToken: Cancel))!;
        spans.Length.ShouldBe(2);
        var root = spans.Single(s => s.GetProperty("spanId").GetString() == rootId);
        root.GetProperty("parentSpanId").ValueKind.ShouldBe(JsonValueKind.Null);
        root.GetProperty("kind").GetString().ShouldBe("Server");
        root.GetProperty("service").GetString().ShouldBe(service);
        root.GetProperty("scope").GetString().ShouldBe("PublicInnovation.Tests.Otlp");
        var child = spans.Single(s => s.GetProperty("spanId").GetString() == childId);
        child.GetProperty("traceId").GetString().ShouldBe(traceId);
        child.GetProperty("parentSpanId").GetString().ShouldBe(rootId);
        child.GetProperty("kind").GetString().ShouldBe("Producer");
        child.GetProperty("attributes").GetProperty("messaging.system").GetString().ShouldBe("rabbitmq");
        child.GetProperty("attributes").GetProperty("retry.count").GetInt64().ShouldBe(3);
        child.GetProperty("attributes").GetProperty("retry.allowed").GetBoolean().ShouldBeTrue();
        child.GetProperty("status").GetProperty("code").GetString().ShouldBe("Error");
        child.GetProperty("status").GetProperty("message").GetString().ShouldBe("broker unreachable");
        DateTimeOffset.Parse(child.GetProperty("end").GetString()!).ShouldBeGreaterThanOrEqualTo(DateTimeOffset.Parse(child.GetProperty("start").GetString()!));
    }

    [Fact]
    public async Task Metrics_and_logs_are_accepted_with_an_empty_protobuf_answer_and_counted()
    {
        var metrics = await _http.PostAsync("/v1/metrics", Protobuf([0x0a, 0x00]), cancellationToken: Cancel);
        var logs = await _http.PostAsync("/v1/logs", Protobuf([0x0a, 0x00]), cancellationToken: Cancel);

        metrics.StatusCode.ShouldBe(HttpStatusCode.OK);
        logs.StatusCode.ShouldBe(HttpStatusCode.OK);
        metrics.Content.Headers.ContentType!.MediaType.ShouldBe("application/x-protobuf");
        (await metrics.Content.ReadAsByteArrayAsync(Cancel)).ShouldBeEmpty();
        _dashboard.Counters.MetricRequests.ShouldBe(1);
        _dashboard.Counters.LogRequests.ShouldBe(1);
    }

    [Fact]
    public async Task Malformed_trace_request_returns_400_and_stores_nothing()
    {
        var response = await _http.PostAsync("/v1/traces", Protobuf([0x0a, 0x05, 0x12]), cancellationToken: Cancel);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        _dashboard.Traces.SpanCount.ShouldBe(0);
    }

    [Fact]
    public async Task Unknown_trace_id_returns_404()
    {
        (await _http.GetAsync("/api/traces/00000000000000000000000000000000", cancellationToken: Cancel)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Resources_endpoint_lists_name_kind_state_urls_and_pid()
    {
        var resource = (await _http.GetFromJsonAsync<JsonElement[]>("/api/resources", cancellationToken: Cancel))!.ShouldHaveSingleItem();

        resource.GetProperty("name").GetString().ShouldBe("messaging");
        resource.GetProperty("kind").GetString().ShouldBe("rabbitmq");
        resource.GetProperty("state").GetString().ShouldBe("Running");
        resource.GetProperty("urls")[0].GetString().ShouldBe("amqp://127.0.0.1:5680/");
        resource.GetProperty("pid").GetInt32().ShouldBe(42);
    }

    static ByteArrayContent Protobuf(byte[] body) =>
        new(body) { Headers = { ContentType = new("application/x-protobuf") } };
}
