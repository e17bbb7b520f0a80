using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using PublicInnovation.ServiceDefaults.Telemetry;

namespace PublicInnovation.ServiceDefaults.Health;

public static class HealthExtensions
{
    /// <summary>Tag of the checks that must pass for <c>/health</c> (database, broker).</summary>
    public const string ReadyTag = "ready";

    /// <summary>Tag of the checks that must pass for <c>/alive</c>.</summary>
    public const string LiveTag = "live";

    public static IHostApplicationBuilder AddPlatformHealthChecks(this IHostApplicationBuilder builder)
    {
        builder.Services.AddHealthChecks().AddCheck("self", () => HealthCheckResult.Healthy(), [LiveTag]);
        return builder;
    }

    /// <summary>
    /// <c>/health</c>: every check (database and broker are registered with the ready tag by AddServiceDatabase
    /// and AddMessaging). <c>/alive</c>: the process only. Both anonymous, so orchestrators need no token.
    /// </summary>
    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapHealthChecks(HealthPaths.Ready, new HealthCheckOptions { ResponseWriter = WriteReport })
            .AllowAnonymous().ExcludeFromDescription();
        endpoints.MapHealthChecks(HealthPaths.Alive, new HealthCheckOptions { Predicate = r => r.Tags.Contains(LiveTag) })
            .AllowAnonymous().ExcludeFromDescription();
        return endpoints;
    }

    /// <summary>A short JSON report: which check failed is the first thing an operator wants to know.</summary>
    static Task WriteReport(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsJsonAsync(new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString(), e.Value.Description }),
        });
    }
}
