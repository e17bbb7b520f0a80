using Yarp.ReverseProxy.Configuration;

namespace PublicInnovation.Gateway.Swagger;

public static class ServicesSwaggerUi
{
    /// <summary>Route metadata key marking a service's OpenAPI document route; its value is the name shown.</summary>
    public const string OpenApiDocumentMetadata = "OpenApiDocument";

    /// <summary>
    /// One Swagger UI at <c>/swagger</c> listing every route of the proxy configuration marked with
    /// <see cref="OpenApiDocumentMetadata"/>: each service serves its own document under its prefix and the gateway
    /// routes it anonymously, so adding a service to <c>appsettings.json</c> adds it here.
    /// </summary>
    public static IEndpointConventionBuilder MapServicesSwaggerUi(this WebApplication app)
    {
        var documents = app.Services.GetRequiredService<IProxyConfigProvider>().GetConfig().Routes
            .Where(r => r.Metadata?.ContainsKey(OpenApiDocumentMetadata) == true && r.Match.Path is not null)
            .Select(r => (Url: r.Match.Path!, Name: r.Metadata![OpenApiDocumentMetadata]))
            .OrderBy(d => d.Name, StringComparer.Ordinal)
            .ToList();

        return app.MapSwaggerUI("swagger", ui =>
        {
            ui.DocumentTitle = "PublicInnovation API";
            foreach (var (url, name) in documents)
                ui.SwaggerEndpoint(url, name);
            ui.EnablePersistAuthorization();
        }).AllowAnonymous();
    }
}
