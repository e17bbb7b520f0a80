using PublicInnovation.AppHost.Hosting;

namespace PublicInnovation.AppHost.Orchestration;

/// <summary>What a project is told at start, with Aspire's variable names so the services read it unchanged.</summary>
public static class ProjectEnvironment
{
    /// <summary>Inherited variables that would move a child's endpoints away from the port the AppHost gave it.</summary>
    static readonly string[] Removed = ["ASPNETCORE_HTTP_PORTS", "ASPNETCORE_HTTPS_PORTS", "HTTP_PORTS", "HTTPS_PORTS", "DOTNET_URLS", "ASPNETCORE_URLS"];

    public static Dictionary<string, string?> Build(
        ProjectResource project,
        string url,
        string environmentName,
        Func<IResourceWithConnectionString, string> connectionString,
        Func<ProjectResource, string> urlOf,
        string otlpEndpoint,
        string? devSigningKey)
    {
        var environment = Removed.ToDictionary(name => name, _ => (string?)null);
        environment["ASPNETCORE_ENVIRONMENT"] = environmentName;
        environment["DOTNET_ENVIRONMENT"] = environmentName;
        environment["ASPNETCORE_URLS"] = url;

        foreach (var reference in project.ConnectionReferences)
            environment[$"ConnectionStrings__{reference.Name}"] = connectionString(reference);
        foreach (var service in project.ServiceReferences)
            environment[$"services__{service.Name}__http__0"] = urlOf(service);

        environment["OTEL_EXPORTER_OTLP_ENDPOINT"] = otlpEndpoint;
        environment["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf";
        environment["OTEL_SERVICE_NAME"] = project.Name;
        // Short export intervals: a request's trace shows up within a second or two while developing.
        environment["OTEL_BSP_SCHEDULE_DELAY"] = "1000";
        environment["OTEL_BLRP_SCHEDULE_DELAY"] = "1000";
        environment["OTEL_METRIC_EXPORT_INTERVAL"] = "5000";

        // The services refuse a development key outside Development; elsewhere they need Auth__Authority instead.
        if (devSigningKey is not null && environmentName == "Development")
            environment["Auth__DevSigningKey"] = devSigningKey;
        return environment;
    }
}
