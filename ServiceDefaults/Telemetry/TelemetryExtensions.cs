using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace PublicInnovation.ServiceDefaults.Telemetry;

/// <summary>
/// OpenTelemetry with the core SDK only: the hosting and instrumentation packages are not on our feed,
/// and since .NET 9 ASP.NET Core, HttpClient, Npgsql and MassTransit emit their own sources and meters.
/// </summary>
public static class TelemetryExtensions
{
    /// <summary>Activity source of the platform's own spans (outbox relay, inbox).</summary>
    public static readonly ActivitySource Source = new("PublicInnovation");

    static readonly string[] TraceSources =
        ["Microsoft.AspNetCore", "System.Net.Http", "MassTransit", "Npgsql", "Yarp.ReverseProxy", Source.Name];

    static readonly string[] Meters =
    [
        "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "Microsoft.AspNetCore.RateLimiting",
        "System.Net.Http", "System.Runtime", "MassTransit", "Npgsql", Source.Name,
    ];

    /// <summary>
    /// Traces, metrics and logs, exported over OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set
    /// (protocol and batching from the standard <c>OTEL_*</c> variables); <c>OTEL_SERVICE_NAME</c> names the resource.
    /// </summary>
    public static IHostApplicationBuilder AddTelemetry(this IHostApplicationBuilder builder)
    {
        var otlp = !string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        var serviceName = builder.Configuration["OTEL_SERVICE_NAME"] ?? builder.Environment.ApplicationName;

        void Resource(ResourceBuilder r) => r.AddService(serviceName).AddEnvironmentVariableDetector();

        builder.Logging.AddOpenTelemetry(logs =>
        {
            var resource = ResourceBuilder.CreateDefault();
            Resource(resource);
            logs.SetResourceBuilder(resource);
            logs.IncludeFormattedMessage = true;
            logs.IncludeScopes = true;
            if (otlp) logs.AddOtlpExporter();
        });

        // No services.AddOpenTelemetry() without the hosting package: the container owns the providers
        // (so it disposes and flushes them on shutdown) and a hosted service creates them at start.
        builder.Services.AddSingleton(sp =>
        {
            var tracing = Sdk.CreateTracerProviderBuilder()
                .ConfigureResource(Resource)
                .AddSource(TraceSources);
            // Extra span processors registered in the container (a test's collecting exporter, say).
            foreach (var processor in sp.GetServices<BaseProcessor<Activity>>())
                tracing.AddProcessor(processor);
            if (otlp) tracing.AddOtlpExporter();
            return tracing.Build();
        });
        builder.Services.AddSingleton(_ =>
        {
            var metrics = Sdk.CreateMeterProviderBuilder()
                .ConfigureResource(Resource)
                .AddMeter(Meters);
            if (otlp) metrics.AddOtlpExporter();
            return metrics.Build();
        });
        builder.Services.AddHostedService<TelemetryStarter>();
        return builder;
    }

    /// <summary>
    /// Gives each request span the semantic-convention name and tags the instrumentation package would add
    /// (it is not on our feed, and ASP.NET Core's own activity carries none): "GET /api/catalogue/courses/{courseId}",
    /// method, path, route, status. Health probes are polled every few seconds and would bury real traffic, so
    /// their span is unsampled, and with it their children (the health checks' SQL).
    /// </summary>
    public static IApplicationBuilder UseRequestTracing(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            var activity = context.Features.Get<IHttpActivityFeature>()?.Activity;
            if (activity is null)
            {
                await next(context);
                return;
            }
            if (HealthPaths.IsProbe(context.Request.Path))
            {
                activity.ActivityTraceFlags &= ~ActivityTraceFlags.Recorded;
                activity.IsAllDataRequested = false;
                await next(context);
                return;
            }

            var request = context.Request;
            activity.SetTag("http.request.method", request.Method);
            activity.SetTag("url.scheme", request.Scheme);
            activity.SetTag("url.path", request.Path.Value);
            activity.SetTag("server.address", request.Host.Host);
            activity.DisplayName = $"{request.Method} {request.Path}";
            try
            {
                await next(context);
            }
            finally
            {
                if (context.GetEndpoint() is RouteEndpoint { RoutePattern.RawText: { } route })
                {
                    activity.SetTag("http.route", route);
                    activity.DisplayName = $"{request.Method} {route}";
                }
                activity.SetTag("http.response.status_code", context.Response.StatusCode);
                if (context.Response.StatusCode >= 500) activity.SetStatus(ActivityStatusCode.Error);
            }
        });

    sealed class TelemetryStarter(TracerProvider tracing, MeterProvider metrics) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            // Resolving the providers (constructor) is what starts listening to the sources and meters.
            GC.KeepAlive(tracing);
            GC.KeepAlive(metrics);
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}

/// <summary>The health endpoints every service and the gateway expose.</summary>
public static class HealthPaths
{
    /// <summary>Ready: the process and its dependencies (database, broker) answer.</summary>
    public const string Ready = "/health";

    /// <summary>Live: the process answers.</summary>
    public const string Alive = "/alive";

    /// <summary>True for the health endpoints, which are neither traced nor routed by the gateway.</summary>
    public static bool IsProbe(PathString path) =>
        path.Equals(Ready, StringComparison.OrdinalIgnoreCase) || path.Equals(Alive, StringComparison.OrdinalIgnoreCase);
}
