namespace PublicInnovation.AppHost.Hosting;

/// <summary>Fluent configuration of one resource (covariant, so any builder can be waited for).</summary>
public interface IResourceBuilder<out T> where T : IResource
{
    DistributedApplicationBuilder ApplicationBuilder { get; }

    T Resource { get; }
}

sealed class ResourceBuilder<T>(DistributedApplicationBuilder applicationBuilder, T resource) : IResourceBuilder<T> where T : IResource
{
    public DistributedApplicationBuilder ApplicationBuilder { get; } = applicationBuilder;

    public T Resource { get; } = resource;
}

public static class ResourceBuilderExtensions
{
    /// <summary>A RabbitMQ broker: a private node, or the one given as <c>ConnectionStrings:NAME</c>.</summary>
    public static IResourceBuilder<RabbitMQServerResource> AddRabbitMQ(this DistributedApplicationBuilder builder, string name) =>
        builder.AddResource(new RabbitMQServerResource(name));

    /// <summary>A PostgreSQL server: a private cluster, or the one given as <c>ConnectionStrings:NAME</c>.</summary>
    public static IResourceBuilder<PostgresServerResource> AddPostgres(this DistributedApplicationBuilder builder, string name) =>
        builder.AddResource(new PostgresServerResource(name));

    /// <summary>A database created on the server if missing; named after the resource without <c>-db</c> unless given.</summary>
    public static IResourceBuilder<PostgresDatabaseResource> AddDatabase(this IResourceBuilder<PostgresServerResource> server,
        string name, string? databaseName = null)
    {
        var database = new PostgresDatabaseResource(name,
            databaseName ?? (name.EndsWith("-db", StringComparison.Ordinal) ? name[..^3] : name), server.Resource);
        server.Resource.Databases.Add(database);
        return server.ApplicationBuilder.AddResource(database);
    }

    /// <summary>A project of the repository, by folder relative to the repository root.</summary>
    public static IResourceBuilder<ProjectResource> AddProject(this DistributedApplicationBuilder builder, string name, string projectPath) =>
        builder.AddResource(new ProjectResource(name, projectPath));

    /// <summary>Passes <c>ConnectionStrings__NAME</c> to the project (and starts it only once the source is ready).</summary>
    public static IResourceBuilder<ProjectResource> WithReference(this IResourceBuilder<ProjectResource> builder,
        IResourceBuilder<IResourceWithConnectionString> source)
    {
        builder.Resource.ConnectionReferences.Add(source.Resource);
        return builder;
    }

    /// <summary>Passes <c>services__NAME__http__0</c>, the address of another project.</summary>
    public static IResourceBuilder<ProjectResource> WithReference(this IResourceBuilder<ProjectResource> builder,
        IResourceBuilder<ProjectResource> service)
    {
        builder.Resource.ServiceReferences.Add(service.Resource);
        return builder;
    }

    /// <summary>Serves HTTP on a fixed port (overridable with <c>--NAME-port</c>) instead of a free one.</summary>
    public static IResourceBuilder<ProjectResource> WithHttpEndpoint(this IResourceBuilder<ProjectResource> builder, int? port = null)
    {
        builder.Resource.HttpPort = port;
        return builder;
    }

    /// <summary>Starts this resource only once <paramref name="dependency"/> is healthy.</summary>
    public static IResourceBuilder<T> WaitFor<T>(this IResourceBuilder<T> builder, IResourceBuilder<IResource> dependency) where T : Resource
    {
        if (!builder.Resource.WaitsFor.Contains(dependency.Resource)) builder.Resource.WaitsFor.Add(dependency.Resource);
        return builder;
    }
}
