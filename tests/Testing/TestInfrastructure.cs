using System.Text.RegularExpressions;
using PublicInnovation.AppHost.Infrastructure;
using Xunit;

namespace PublicInnovation.Testing;

/// <summary>
/// The real RabbitMQ and PostgreSQL the tests run on, as an xunit v3 assembly fixture:
/// <c>[assembly: AssemblyFixture(typeof(TestInfrastructure))]</c>. One node and one cluster per test run, shared
/// across test processes (<see cref="SharedNodes"/>); isolation comes from a fresh vhost and a fresh database per
/// test class. Tokens are signed with a key of the run's directory, which the services under test are given.
/// </summary>
public sealed partial class TestInfrastructure : IAsyncLifetime
{
    readonly SharedNodes _nodes;
    EventHandler? _onExit;

    public TestInfrastructure() : this(SharedNodes.DefaultDirectory())
    {
    }

    TestInfrastructure(string directory)
    {
        _nodes = new SharedNodes(directory, Guid.NewGuid().ToString("N"));
        DevSigningKey = DevTokens.LoadOrCreateKey(directory);
    }

    /// <summary>An instance sharing nodes through another directory than the repository's (xunit needs one public constructor).</summary>
    public static TestInfrastructure At(string directory) => new(directory);

    public RabbitMqNode RabbitMqNode => _nodes.RabbitMq ?? throw NotStarted();

    public PostgresCluster PostgresCluster => _nodes.Postgres ?? throw NotStarted();

    /// <summary>The key services under test must be given as <c>Auth:DevSigningKey</c> to accept <see cref="MintToken"/>'s tokens.</summary>
    public string DevSigningKey { get; }

    public async ValueTask InitializeAsync()
    {
        await _nodes.AcquireAsync();
        // A test host that ends without disposing its fixtures still leaves the nodes' owner list.
        _onExit = (_, _) => _nodes.ReleaseAsync().GetAwaiter().GetResult();
        AppDomain.CurrentDomain.ProcessExit += _onExit;
    }

    public async ValueTask DisposeAsync()
    {
        if (_onExit is null) return;
        AppDomain.CurrentDomain.ProcessExit -= _onExit;
        _onExit = null;
        await _nodes.ReleaseAsync();
    }

    /// <summary>A new virtual host with full rights for guest; returns its AMQP connection string.</summary>
    public Task<string> CreateVirtualHostAsync(CancellationToken cancellationToken = default) =>
        RabbitMqNode.CreateVirtualHostAsync($"test-{Guid.NewGuid():N}", cancellationToken);

    /// <summary>A new, empty database named <c>PREFIX_RANDOM</c>; returns its connection string.</summary>
    public Task<string> CreateDatabaseAsync(string prefix, CancellationToken cancellationToken = default)
    {
        var name = $"{NotIdentifier().Replace(prefix.ToLowerInvariant(), "_")}_{Guid.NewGuid():N}";
        return PostgresCluster.CreateDatabaseAsync(name.Length > 63 ? name[^63..] : name, cancellationToken);
    }

    /// <summary>A development token (HS256, <see cref="DevSigningKey"/>) for <paramref name="role"/>.</summary>
    public string MintToken(string role, Guid? subject = null, string? client = null) =>
        DevTokens.Mint(DevSigningKey, role, subject, client);

    static InvalidOperationException NotStarted() =>
        new("The test infrastructure is not started: use it as an assembly fixture, or call InitializeAsync first.");

    [GeneratedRegex("[^a-z0-9_]")]
    private static partial Regex NotIdentifier();
}
