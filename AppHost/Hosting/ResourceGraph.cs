using System.Runtime.ExceptionServices;
using PublicInnovation.AppHost.Infrastructure;

namespace PublicInnovation.AppHost.Hosting;

/// <summary>
/// Who waits for whom: explicit <c>WaitFor</c>s, a database on its server, and a project on the brokers and
/// databases it references (their connection strings exist only once they run). Starts every resource as soon as
/// its dependencies are healthy, independent ones concurrently.
/// </summary>
public sealed class ResourceGraph
{
    readonly Dictionary<IResource, IReadOnlyList<IResource>> _dependencies = new();

    public ResourceGraph(IReadOnlyList<IResource> resources)
    {
        Resources = resources;
        foreach (var resource in resources)
        {
            var dependencies = DirectDependencies(resource).Distinct().ToList();
            if (dependencies.FirstOrDefault(d => !resources.Contains(d)) is { } unknown)
                throw new AppHostException($"{resource.Name} depends on {unknown.Name}, which was not added to the application.");
            _dependencies[resource] = dependencies;
        }
        StartOrder = TopologicalOrder();
    }

    public IReadOnlyList<IResource> Resources { get; }

    /// <summary>Every resource after all it depends on (ties keep the order of addition).</summary>
    public IReadOnlyList<IResource> StartOrder { get; }

    public IReadOnlyList<IResource> DependenciesOf(IResource resource) => _dependencies[resource];

    /// <summary>
    /// Runs <paramref name="startUntilHealthy"/> for each resource once all its dependencies' calls completed.
    /// The first failure cancels the rest and is rethrown; resources that depend on a failed one never start.
    /// </summary>
    public async Task StartAsync(Func<IResource, CancellationToken, Task> startUntilHealthy, CancellationToken cancellationToken = default)
    {
        using var failed = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Exception? firstFailure = null;
        var tasks = new Dictionary<IResource, Task>();

        foreach (var resource in StartOrder)
        {
            var dependencies = _dependencies[resource].Select(d => tasks[d]).ToArray();
            tasks[resource] = RunAsync(resource, dependencies);
        }

        try
        {
            await Task.WhenAll(tasks.Values);
        }
        catch when (firstFailure is not null)
        {
            ExceptionDispatchInfo.Throw(firstFailure);
        }

        async Task RunAsync(IResource resource, Task[] dependencies)
        {
            try
            {
                await Task.WhenAll(dependencies);
            }
            catch
            {
                throw new OperationCanceledException($"{resource.Name} not started: a resource it waits for failed.");
            }
            try
            {
                failed.Token.ThrowIfCancellationRequested();
                await startUntilHealthy(resource, failed.Token);
            }
            catch (Exception e) when (e is not OperationCanceledException || !failed.IsCancellationRequested)
            {
                Interlocked.CompareExchange(ref firstFailure, e, null);
                await failed.CancelAsync();
                throw;
            }
        }
    }

    static IEnumerable<IResource> DirectDependencies(IResource resource)
    {
        if (resource is Resource r)
            foreach (var wait in r.WaitsFor) yield return wait;
        if (resource is PostgresDatabaseResource database) yield return database.Server;
        if (resource is ProjectResource project)
            foreach (var reference in project.ConnectionReferences) yield return reference;
    }

    IReadOnlyList<IResource> TopologicalOrder()
    {
        var order = new List<IResource>();
        var state = new Dictionary<IResource, bool>(); // false: being visited, true: done
        foreach (var resource in Resources) Visit(resource, []);
        return order;

        void Visit(IResource resource, List<IResource> path)
        {
            if (state.TryGetValue(resource, out var done))
            {
                if (done) return;
                var cycle = path.SkipWhile(r => r != resource).Append(resource).Select(r => r.Name);
                throw new AppHostException($"Resources wait for each other in a cycle: {string.Join(" -> ", cycle)}.");
            }
            state[resource] = false;
            path.Add(resource);
            foreach (var dependency in _dependencies[resource]) Visit(dependency, path);
            path.RemoveAt(path.Count - 1);
            state[resource] = true;
            order.Add(resource);
        }
    }
}
