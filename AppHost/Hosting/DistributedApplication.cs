using System.Runtime.InteropServices;
using PublicInnovation.AppHost.Dashboard;
using PublicInnovation.AppHost.Infrastructure;
using PublicInnovation.AppHost.Orchestration;

using PublicInnovation.AppHost.Operations;

namespace PublicInnovation.AppHost.Hosting;

/// <summary>Collects resources, as Aspire's <c>IDistributedApplicationBuilder</c>; starts nothing.</summary>
public sealed class DistributedApplicationBuilder
{
    readonly List<IResource> _resources = [];
    readonly Exception? _optionsError;

    internal DistributedApplicationBuilder(AppHostOptions? options, Exception? optionsError)
    {
        Options = options;
        _optionsError = optionsError;
    }

    /// <summary>Null when the command line could not be read (the error is reported by <c>RunAsync</c>).</summary>
    public AppHostOptions? Options { get; }

    public IReadOnlyList<IResource> Resources => _resources;

    public IResourceBuilder<T> AddResource<T>(T resource) where T : IResource
    {
        if (_resources.Any(r => string.Equals(r.Name, resource.Name, StringComparison.OrdinalIgnoreCase)))
            throw new InvalidOperationException($"A resource named '{resource.Name}' was already added.");
        _resources.Add(resource);
        return new ResourceBuilder<T>(this, resource);
    }

    public DistributedApplication Build()
    {
        if (_resources.OfType<RabbitMQServerResource>().Count() > 1 || _resources.OfType<PostgresServerResource>().Count() > 1)
            throw new InvalidOperationException("One RabbitMQ node and one PostgreSQL cluster per AppHost: add databases and vhosts to them instead.");
        return new DistributedApplication(this, _optionsError);
    }
}

/// <summary>
/// The running application: <see cref="RunAsync"/> starts every resource in dependency order, prints where
/// everything is, and stops it all on Ctrl+C or SIGTERM. Failures a developer can fix end in one sentence.
/// </summary>
public sealed class DistributedApplication
{
    readonly DistributedApplicationBuilder _builder;
    readonly Exception? _optionsError;
    Orchestrator? _orchestrator;

    internal DistributedApplication(DistributedApplicationBuilder builder, Exception? optionsError)
    {
        _builder = builder;
        _optionsError = optionsError;
    }

    public static DistributedApplicationBuilder CreateBuilder(string[] args)
    {
        try
        {
            return new DistributedApplicationBuilder(AppHostOptions.Parse(args), null);
        }
        catch (AppHostException e)
        {
            return new DistributedApplicationBuilder(null, e);
        }
    }

    public static DistributedApplicationBuilder CreateBuilder(AppHostOptions options) => new(options, null);

    /// <summary>Where the dashboard and OTLP receiver listen, once started.</summary>
    public Uri? DashboardUrl => _orchestrator?.Dashboard?.Url;

    public IReadOnlyList<ResourceSnapshot> Resources => _orchestrator?.Snapshot() ?? [];

    public string? GetConnectionString(string resource) => _orchestrator?.ConnectionStringOf(resource);

    public TimeSpan? ColdStart => _orchestrator?.ColdStart;

    /// <summary>Starts everything and returns once all resources are healthy; on failure stops what started, then throws.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (_optionsError is not null) throw _optionsError;
        var options = _builder.Options!;
        var console = new ConsoleOutput(options.Color);
        _orchestrator = new Orchestrator(options, new ResourceGraph(_builder.Resources), console);
        try
        {
            await _orchestrator.StartAsync(cancellationToken);
        }
        catch
        {
            await _orchestrator.StopAsync();
            throw;
        }
    }

    public Task StopAsync() => _orchestrator?.StopAsync() ?? Task.CompletedTask;

    /// <summary>For crash tests: lets go of the data directory and the dashboard port as a killed process would, children left running.</summary>
    internal Task AbandonAsync() => _orchestrator?.AbandonAsync() ?? Task.CompletedTask;

    /// <summary>
    /// Runs until Ctrl+C/SIGTERM (or <paramref name="cancellationToken"/>). The <c>token</c> command prints a
    /// development token and returns without starting anything. Sets the process exit code.
    /// </summary>
    public async Task RunAsync(CancellationToken cancellationToken = default)
    {
        var console = new ConsoleOutput(_builder.Options?.Color ?? false);
        try
        {
            if (_optionsError is not null) throw _optionsError;
            var options = _builder.Options!;
            if (options.Help)
            {
                console.Info(AppHostOptions.Usage);
                return;
            }
            if (options.Token is { } token)
            {
                Console.Out.WriteLine(DevTokens.Mint(DevTokens.LoadOrCreateKey(options.DataDirectory), token.Role, token.Subject, token.Client));
                return;
            }
            if (options.Redrive is { } redrive)
            {
                var moved = await ErrorQueueRedrive.RedriveAsync(options, redrive.Queue, cancellationToken);
                console.Info($"Moved {moved} message(s) from {redrive.Queue}_error back to {redrive.Queue}.");
                return;
            }
            await RunUntilStoppedAsync(console, cancellationToken);
        }
        catch (AppHostException e)
        {
            console.Error(e.Message);
            Environment.ExitCode = 1;
        }
    }

    async Task RunUntilStoppedAsync(ConsoleOutput console, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var signals = new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM, PosixSignal.SIGQUIT, PosixSignal.SIGHUP }
            .Select(signal => PosixSignalRegistration.Create(signal, context =>
            {
                context.Cancel = true; // we stop the children ourselves, in order, before exiting
                if (!stop.IsCancellationRequested) console.Info($"{context.Signal}: stopping...");
                stop.Cancel();
            }))
            .ToList();
        try
        {
            try
            {
                await StartAsync(stop.Token);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            _orchestrator!.PrintSummary();
            await Task.Delay(Timeout.Infinite, stop.Token).ContinueWith(_ => { }, TaskScheduler.Default);
            await StopAsync();
            console.Info("Stopped.");
        }
        finally
        {
            foreach (var signal in signals) signal.Dispose();
        }
    }
}
