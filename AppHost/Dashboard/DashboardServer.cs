using System.IO.Compression;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PublicInnovation.AppHost.Infrastructure;

namespace PublicInnovation.AppHost.Dashboard;

/// <summary>What <c>GET /api/resources</c> lists for each resource.</summary>
public sealed record ResourceSnapshot(string Name, string Kind, string State, IReadOnlyList<string> Urls, int? Pid);

/// <summary>How much telemetry arrived (metrics and logs are accepted and counted, not decoded).</summary>
public sealed class TelemetryCounters
{
    long _traceRequests, _spans, _metricRequests, _logRequests;

    public long TraceRequests => Interlocked.Read(ref _traceRequests);
    public long Spans => Interlocked.Read(ref _spans);
    public long MetricRequests => Interlocked.Read(ref _metricRequests);
    public long LogRequests => Interlocked.Read(ref _logRequests);

    internal void CountTraces(int spans)
    {
        Interlocked.Increment(ref _traceRequests);
        Interlocked.Add(ref _spans, spans);
    }

    internal void CountMetrics() => Interlocked.Increment(ref _metricRequests);
    internal void CountLogs() => Interlocked.Increment(ref _logRequests);
}

/// <summary>
/// The AppHost's HTTP endpoint: resource states, and an OTLP/HTTP (protobuf) receiver the services export their
/// telemetry to, with the recent traces readable as JSON.
/// </summary>
public sealed class DashboardServer : IAsyncDisposable
{
    const string Protobuf = "application/x-protobuf";

    readonly WebApplication _app;

    DashboardServer(WebApplication app, TraceStore traces, TelemetryCounters counters, Uri url)
    {
        _app = app;
        Traces = traces;
        Counters = counters;
        Url = url;
    }

    public TraceStore Traces { get; }
    public TelemetryCounters Counters { get; }

    /// <summary>Base address, e.g. <c>http://127.0.0.1:18888</c> (port 0 asks for a free port).</summary>
    public Uri Url { get; }

    public static async Task<DashboardServer> StartAsync(int port, TraceStore traces, Func<IReadOnlyList<ResourceSnapshot>> resources,
        CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = [],
            ApplicationName = typeof(DashboardServer).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Logging.ClearProviders();
        // An explicit endpoint: an ASPNETCORE_URLS inherited from the shell does not move the dashboard.
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port));

        var app = builder.Build();
        var counters = new TelemetryCounters();
        Map(app, traces, counters, resources);

        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch (IOException e) when (e.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException)
        {
            await app.DisposeAsync();
            throw new PortInUseException(port, "dashboard");
        }

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new DashboardServer(app, traces, counters, new Uri(address.Replace("[::]", "127.0.0.1")));
    }

    static void Map(WebApplication app, TraceStore traces, TelemetryCounters counters, Func<IReadOnlyList<ResourceSnapshot>> resources)
    {
        app.MapGet("/", (HttpContext context) => Results.Json(new
        {
            resources = "/api/resources",
            traces = "/api/traces?service=&limit=",
            trace = "/api/traces/{traceId}",
            otlp = new[] { "/v1/traces", "/v1/metrics", "/v1/logs" },
            telemetry = new { counters.TraceRequests, counters.Spans, counters.MetricRequests, counters.LogRequests, storedSpans = traces.SpanCount },
        }));
        app.MapGet("/api/resources", () => Results.Json(resources()));
        app.MapGet("/api/traces", (string? service, int? limit) =>
            Results.Json(traces.Recent(string.IsNullOrWhiteSpace(service) ? null : service, Math.Clamp(limit ?? 50, 1, 1000))));
        app.MapGet("/api/traces/{traceId}", (string traceId) =>
            traces.Get(traceId) is { } spans ? Results.Json(spans) : Results.NotFound());

        app.MapPost("/v1/traces", async (HttpRequest request) =>
        {
            if (!IsProtobuf(request)) return Results.StatusCode(StatusCodes.Status415UnsupportedMediaType);
            IReadOnlyList<SpanRecord> spans;
            try
            {
                spans = OtlpTraceDecoder.Decode(await ReadBodyAsync(request));
            }
            catch (FormatException e)
            {
                return Results.BadRequest(e.Message);
            }
            traces.Add(spans);
            counters.CountTraces(spans.Count);
            return Results.Bytes([], Protobuf); // an empty ExportTraceServiceResponse: everything accepted
        });
        app.MapPost("/v1/metrics", async (HttpRequest request) =>
        {
            await ReadBodyAsync(request);
            counters.CountMetrics();
            return Results.Bytes([], Protobuf);
        });
        app.MapPost("/v1/logs", async (HttpRequest request) =>
        {
            await ReadBodyAsync(request);
            counters.CountLogs();
            return Results.Bytes([], Protobuf);
        });
    }

    static bool IsProtobuf(HttpRequest request) =>
        request.ContentType is null || request.ContentType.StartsWith(Protobuf, StringComparison.OrdinalIgnoreCase);

    static async Task<byte[]> ReadBodyAsync(HttpRequest request)
    {
        var body = request.Headers.ContentEncoding.ToString().Contains("gzip", StringComparison.OrdinalIgnoreCase)
            ? new GZipStream(request.Body, CompressionMode.Decompress)
            : request.Body;
        using var buffer = new MemoryStream();
        await body.CopyToAsync(buffer, request.HttpContext.RequestAborted);
        return buffer.ToArray();
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
