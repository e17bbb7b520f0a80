using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using PublicInnovation.ServiceDefaults.Auth;
using PublicInnovation.ServiceDefaults.Errors;
using PublicInnovation.ServiceDefaults.Health;
using PublicInnovation.ServiceDefaults.Telemetry;

namespace Microsoft.Extensions.Hosting;

/// <summary>What every PublicInnovation process (services and gateway) starts with, as eShop's ServiceDefaults.</summary>
public static class ServiceDefaultsExtensions
{
    /// <summary>
    /// Telemetry (OTLP when configured), health checks, problem details for every error, JWT authentication
    /// with one policy per role, OpenAPI and a <see cref="TimeProvider"/>.
    /// </summary>
    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.AddTelemetry();
        builder.AddPlatformHealthChecks();
        builder.AddPlatformProblemDetails();
        builder.AddPlatformAuth();
        builder.Services.AddOpenApi(options => options
            .AddDocumentTransformer<PlatformDocumentTransformer>()
            .AddOperationTransformer<AuthorizationOperationTransformer>());
        builder.Services.TryAddSingleton(TimeProvider.System);
        return builder;
    }

    /// <summary>
    /// The middleware order every process shares (request tracing, problem details, authentication,
    /// authorization) and the <c>/health</c> and <c>/alive</c> endpoints.
    /// </summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.UseRequestTracing();
        app.UsePlatformProblemDetails();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapHealthEndpoints();
        return app;
    }

    /// <summary>
    /// Serves the OpenAPI document under the service's own prefix (<c>/api/catalogue/openapi/v1.json</c>) so the
    /// gateway can route it like any other path and list it in its Swagger UI.
    /// </summary>
    public static IEndpointConventionBuilder MapServiceOpenApi(this WebApplication app, string prefix) =>
        app.MapOpenApi($"{prefix.TrimEnd('/')}/openapi/{{documentName}}.json").AllowAnonymous();
}
