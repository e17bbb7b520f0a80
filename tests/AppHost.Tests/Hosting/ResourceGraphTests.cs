using System.Collections.Concurrent;
using PublicInnovation.AppHost.Hosting;
using PublicInnovation.AppHost.Infrastructure;
using PublicInnovation.Testing;
using Shouldly;

namespace PublicInnovation.AppHost.Tests.Hosting;

public sealed class ResourceGraphTests
{
    static CancellationToken Cancel => TestContext.Current.CancellationToken;

    static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    /// <summary>The shape of Program.cs, small: broker and server, a database, a service, and a gateway after it.</summary>
    static (DistributedApplicationBuilder Builder, IResourceBuilder<ProjectResource> Gateway) Model()
    {
        var builder = DistributedApplication.CreateBuilder(new AppHostOptions { RepositoryRoot = "/repo", DataDirectory = "/repo/.apphost" });
        var messaging = builder.AddRabbitMQ("messaging");
        var postgres = builder.AddPostgres("postgres");
        var catalogue = builder.AddProject("catalogue", "Services/Catalogue/Catalogue.Api")
            .WithReference(postgres.AddDatabase("catalogue-db")).WithReference(messaging).WaitFor(messaging);
        var gateway = builder.AddProject("gateway", "Gateway").WithReference(catalogue).WithHttpEndpoint(port: 8080).WaitFor(catalogue);
        return (builder, gateway);
    }

    [Fact]
    public async Task Start_begins_each_resource_only_once_what_it_waits_for_is_healthy()
    {
        var graph = new ResourceGraph(Model().Builder.Resources);
        var gates = graph.Resources.ToDictionary(r => r.Name, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        var healthy = new ConcurrentDictionary<string, bool>();
        var healthyAtStart = new ConcurrentDictionary<string, string[]>();
        var run = graph.StartAsync(async (resource, _) =>
        {
            healthyAtStart[resource.Name] = healthy.Keys.ToArray();
            await gates[resource.Name].Task;
            healthy[resource.Name] = true;
        }, cancellationToken: Cancel);

        // Broker and server depend on nothing: both start at once, nothing else yet.
        await Eventually.WaitUntilAsync(() => healthyAtStart.Count == 2, Deadline, "messaging and postgres start together");
        healthyAtStart.Keys.ShouldBe(["messaging", "postgres"], ignoreOrder: true);

        // Released in an order a naive start gets wrong: the database is ready before the broker catalogue also needs.
        foreach (var name in new[] { "postgres", "catalogue-db", "messaging", "catalogue", "gateway" })
        {
            await Eventually.WaitUntilAsync(() => healthyAtStart.ContainsKey(name), Deadline, $"{name} starts once what it waits for is healthy");
            gates[name].SetResult();
        }
        await run;

        healthyAtStart["catalogue-db"].ShouldContain("postgres");
        healthyAtStart["catalogue"].ShouldBe(["postgres", "catalogue-db", "messaging"], ignoreOrder: true);
        healthyAtStart["gateway"].ShouldContain("catalogue");
    }

    [Fact]
    public async Task Start_failure_is_rethrown_and_what_waits_for_it_never_starts()
    {
        var graph = new ResourceGraph(Model().Builder.Resources);
        var started = new ConcurrentQueue<string>();

        var failure = await Should.ThrowAsync<AppHostException>(graph.StartAsync((resource, _) =>
        {
            started.Enqueue(resource.Name);
            return resource.Name == "catalogue" ? throw new AppHostException("catalogue exited with code 1") : Task.CompletedTask;
        }, cancellationToken: Cancel));

        failure.Message.ShouldBe("catalogue exited with code 1");
        started.ShouldNotContain("gateway");
    }

    [Fact]
    public void StartOrder_puts_every_resource_after_its_dependencies()
    {
        var graph = new ResourceGraph(Model().Builder.Resources);
        var order = graph.StartOrder.Select(r => r.Name).ToList();

        order.IndexOf("postgres").ShouldBeLessThan(order.IndexOf("catalogue-db"));
        order.IndexOf("catalogue-db").ShouldBeLessThan(order.IndexOf("catalogue"));
        order.IndexOf("messaging").ShouldBeLessThan(order.IndexOf("catalogue"));
        order.IndexOf("catalogue").ShouldBeLessThan(order.IndexOf("gateway"));
    }

    [Fact]
    public void Graph_with_a_cycle_is_refused_naming_it()
    {
        var builder = DistributedApplication.CreateBuilder(new AppHostOptions { RepositoryRoot = "/repo", DataDirectory = "/repo/.apphost" });
        var a = builder.AddProject("a", "A");
        var b = builder.AddProject("b", "B").WaitFor(a);
        a.WaitFor(b);

        Should.Throw<AppHostException>(() => new ResourceGraph(builder.Resources)).Message
            .ShouldBe("Resources wait for each other in a cycle: a -> b -> a.");
    }

    [Fact]
    public void AddDatabase_names_the_database_after_the_resource_without_db()
    {
        var builder = DistributedApplication.CreateBuilder(new AppHostOptions { RepositoryRoot = "/repo", DataDirectory = "/repo/.apphost" });

        var database = builder.AddPostgres("postgres").AddDatabase("certification-db").Resource;

        database.DatabaseName.ShouldBe("certification");
        database.Server.Databases.ShouldContain(database);
    }
}
