using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace PublicInnovation.ServiceDefaults.Auth;

/// <summary>
/// What every service's OpenAPI document shares: a relative server (so Swagger UI at the gateway calls the
/// gateway, never a service's private address) and the bearer scheme (so it offers "Authorize").
/// </summary>
sealed class PlatformDocumentTransformer : IOpenApiDocumentTransformer
{
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Servers = [new OpenApiServer { Url = "/" }];
        document.Info.Title = document.Info.Title?.Replace("PublicInnovation.", "PublicInnovation ").Replace(".Api", " API");
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes["Bearer"] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "JWT",
            Description = "A platform token; locally: dotnet run --project AppHost -- token <role>",
        };
        document.Security ??= [];
        document.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("Bearer", document)] = [] });
        return Task.CompletedTask;
    }
}
