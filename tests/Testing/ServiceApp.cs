using System.Net.Http.Headers;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using MassTransit;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PublicInnovation.AppHost.Hosting;

namespace PublicInnovation.Testing;

/// <summary>
/// A service's real Program in-process (in-memory HTTP), on the run's PostgreSQL and RabbitMQ with a database and
/// a virtual host of its own, in Development (migrations applied at start, development tokens accepted).
/// <typeparamref name="TDb"/> is the service's DbContext, which also tells which service to start.
/// </summary>
public sealed class ServiceApp<TDb> : IAsyncDisposable where TDb : DbContext
{
    readonly Factory _factory;
    readonly TestInfrastructure _infra;

    ServiceApp(Factory factory, TestInfrastructure infra, string database, string broker)
    {
        _factory = factory;
        _infra = infra;
        Database = database;
        Broker = broker;
    }

    /// <summary>Connection string of the service's fresh database.</summary>
    public string Database { get; }

    /// <summary>AMQP connection string of the service's fresh virtual host (give it to an <see cref="EventProbe{T}"/>).</summary>
    public string Broker { get; }

    public IServiceProvider Services => _factory.Services;

    /// <summary>
    /// Starts the service named <paramref name="service"/> (its database is <c>ConnectionStrings:SERVICE-db</c>) and
    /// returns once its bus is connected, so events published from then on reach its consumers.
    /// </summary>
    public static async Task<ServiceApp<TDb>> StartAsync(TestInfrastructure infra, string service,
        IReadOnlyDictionary<string, string?>? settings = null, CancellationToken cancellationToken = default)
    {
        var database = await infra.CreateDatabaseAsync(service, cancellationToken);
        var broker = await infra.CreateVirtualHostAsync(cancellationToken);
        var all = new Dictionary<string, string?>
        {
            [$"ConnectionStrings:{service}-db"] = database,
            ["ConnectionStrings:messaging"] = broker,
            ["Auth:DevSigningKey"] = infra.DevSigningKey,
            // Tests wait on effects: a relay and retries that react in milliseconds keep them short.
            ["Outbox:PollInterval"] = "00:00:00.200",
            ["Outbox:MinBackoff"] = "00:00:00.100",
            ["Outbox:MaxBackoff"] = "00:00:01",
            ["Messaging:Retry:Intervals:0"] = "00:00:00.050",
            ["Messaging:Retry:Intervals:1"] = "00:00:00.050",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) all[key] = value;

        var factory = new Factory(all);
        var app = new ServiceApp<TDb>(factory, infra, database, broker);
        try
        {
            factory.StartServer();
            await app.WaitForBusAsync(cancellationToken);
            return app;
        }
        catch
        {
            await factory.DisposeAsync();
            throw;
        }
    }

    /// <summary>An anonymous client.</summary>
    public HttpClient CreateClient() => _factory.CreateClient();

    /// <summary>A client carrying a development token for <paramref name="role"/> (the role's stable identity unless a subject is given).</summary>
    public HttpClient ClientFor(string role, Guid? subject = null, string? client = null)
    {
        var http = _factory.CreateClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", _infra.MintToken(role, subject, client));
        return http;
    }

    /// <summary>Runs <paramref name="query"/> on a DbContext of its own scope (what the service sees, not a cached copy).</summary>
    public async Task<T> WithDbAsync<T>(Func<TDb, Task<T>> query)
    {
        await using var scope = Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<TDb>());
    }

    /// <summary>Publishes <paramref name="message"/> to the service's broker, as another service would.</summary>
    public Task PublishAsync<T>(T message, CancellationToken cancellationToken = default) where T : class =>
        Services.GetRequiredService<IBus>().Publish(message, cancellationToken);

    /// <summary>
    /// The OpenAPI document the service serves (<c>/api/SERVICE/openapi/v1.json</c>) and the committed one
    /// (<c>docs/api/SERVICE.openapi.json</c>), both in one canonical layout so only content differences show.
    /// With <c>UPDATE_API_DOCS=1</c> the committed file is rewritten from the live one first.
    /// </summary>
    public async Task<(string Live, string Committed)> OpenApiDocumentsAsync(string service, CancellationToken cancellationToken = default)
    {
        using var http = CreateClient();
        var live = Canonical(await http.GetStringAsync($"/api/{service}/openapi/v1.json", cancellationToken));
        var path = Path.Combine(AppHostOptions.FindRepositoryRoot(), "docs", "api", $"{service}.openapi.json");
        if (Environment.GetEnvironmentVariable("UPDATE_API_DOCS") == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await File.WriteAllTextAsync(path, live, cancellationToken);
        }
        var committed = File.Exists(path) ? Canonical(await File.ReadAllTextAsync(path, cancellationToken)) : "";
        return (live, committed);
    }

    static readonly JsonSerializerOptions Indented = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, // keep French text readable in the committed file
    };

    static string Canonical(string json)
    {
        try
        {
            return JsonNode.Parse(json)!.ToJsonString(Indented).Replace("\r\n", "\n") + "\n";
        }
        catch (JsonException)
        {
            return json;
        }
    }

    async Task WaitForBusAsync(CancellationToken cancellationToken)
    {
        var bus = Services.GetRequiredService<IBusControl>();
        await Eventually.WaitUntilAsync(() =>
        {
            cancellationToken.ThrowIfCancellationRequested();
            return bus.CheckHealth().Status == BusHealthStatus.Healthy;
        }, TimeSpan.FromSeconds(60), $"{typeof(TDb).Name}'s bus connects to RabbitMQ and its consumers' queues are ready");
    }

    public ValueTask DisposeAsync() => _factory.DisposeAsync();

    /// <summary>The entry point is found through <typeparamref name="TDb"/>'s assembly: no test sees several <c>Program</c> types.</summary>
    sealed class Factory(IReadOnlyDictionary<string, string?> settings) : WebApplicationFactory<TDb>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Development");
            // Settings rather than app configuration: Program reads connection strings before it builds the app.
            foreach (var (key, value) in settings) builder.UseSetting(key, value);
        }
    }
}
