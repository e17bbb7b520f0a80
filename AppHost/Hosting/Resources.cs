namespace PublicInnovation.AppHost.Hosting;

/// <summary>Something the AppHost runs or provides: a broker, a database server, a database, a project.</summary>
public interface IResource
{
    string Name { get; }
}

/// <summary>A resource others reach through <c>ConnectionStrings__NAME</c>.</summary>
public interface IResourceWithConnectionString : IResource;

public abstract class Resource(string name) : IResource
{
    public string Name { get; } = name;

    /// <summary>Shown by <c>/api/resources</c>: rabbitmq, postgres, database, project.</summary>
    public abstract string Kind { get; }

    /// <summary>Resources that must be healthy before this one starts (<c>WaitFor</c>).</summary>
    public List<IResource> WaitsFor { get; } = [];

    public override string ToString() => Name;
}

public sealed class RabbitMQServerResource(string name) : Resource(name), IResourceWithConnectionString
{
    public override string Kind => "rabbitmq";
}

public sealed class PostgresServerResource(string name) : Resource(name), IResourceWithConnectionString
{
    public override string Kind => "postgres";

    public List<PostgresDatabaseResource> Databases { get; } = [];
}

public sealed class PostgresDatabaseResource(string name, string databaseName, PostgresServerResource server)
    : Resource(name), IResourceWithConnectionString
{
    public override string Kind => "database";

    /// <summary>The database's name on the server (the resource name without <c>-db</c> by default).</summary>
    public string DatabaseName { get; } = databaseName;

    public PostgresServerResource Server { get; } = server;
}

/// <summary>A .NET project of the repository, launched from its build output.</summary>
public sealed class ProjectResource(string name, string projectPath) : Resource(name)
{
    public override string Kind => "project";

    /// <summary>Folder of the project, relative to the repository root (e.g. <c>Services/Catalogue/Catalogue.Api</c>).</summary>
    public string ProjectPath { get; } = projectPath;

    /// <summary>A fixed HTTP port (<c>WithHttpEndpoint(port:)</c>); null lets the AppHost pick a free one.</summary>
    public int? HttpPort { get; set; }

    public List<IResourceWithConnectionString> ConnectionReferences { get; } = [];

    public List<ProjectResource> ServiceReferences { get; } = [];
}
