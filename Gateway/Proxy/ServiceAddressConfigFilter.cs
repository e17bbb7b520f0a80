using Yarp.ReverseProxy.Configuration;

namespace PublicInnovation.Gateway.Proxy;

/// <summary>
/// Resolves a destination written as a bare service name (<c>http://catalogue</c>) to the address the orchestrator
/// hands out as <c>services:catalogue:http:0</c> (environment <c>services__catalogue__http__0</c>), Aspire's
/// service-discovery convention; Microsoft.Extensions.ServiceDiscovery is not on our feed. Every index becomes a
/// destination, so replicas are load-balanced. A name without an address throws, which YARP turns into a failed
/// start rather than a gateway answering 503 for a whole service.
/// </summary>
sealed class ServiceAddressConfigFilter(IConfiguration configuration) : IProxyConfigFilter
{
    public ValueTask<ClusterConfig> ConfigureClusterAsync(ClusterConfig cluster, CancellationToken cancel)
    {
        if (cluster.Destinations is null)
            return ValueTask.FromResult(cluster);

        var destinations = new Dictionary<string, DestinationConfig>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, destination) in cluster.Destinations)
        {
            if (!IsServiceName(destination.Address, out var logical))
            {
                destinations[name] = destination;
                continue;
            }

            var addresses = Resolve(cluster.ClusterId, destination.Address, logical);
            for (var i = 0; i < addresses.Count; i++)
                destinations[addresses.Count == 1 ? name : $"{name}-{i}"] = destination with { Address = addresses[i] };
        }

        return ValueTask.FromResult(cluster with { Destinations = destinations });
    }

    public ValueTask<RouteConfig> ConfigureRouteAsync(RouteConfig route, ClusterConfig? cluster, CancellationToken cancel) =>
        ValueTask.FromResult(route);

    /// <summary>A host without dot, port or IP literal names a service; anything else is a real address.</summary>
    static bool IsServiceName(string address, out Uri uri) =>
        Uri.TryCreate(address, UriKind.Absolute, out uri!)
        && uri.HostNameType == UriHostNameType.Dns
        && !uri.Host.Contains('.')
        && !uri.Host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
        && uri.IsDefaultPort
        && !address.Contains($"{uri.Host}:", StringComparison.OrdinalIgnoreCase);

    List<string> Resolve(string clusterId, string written, Uri logical)
    {
        var key = $"services:{logical.Host}:{logical.Scheme}";
        var variable = key.Replace(":", "__", StringComparison.Ordinal) + "__0";
        var addresses = new List<string>();
        foreach (var entry in configuration.GetSection(key).GetChildren())
        {
            if (string.IsNullOrWhiteSpace(entry.Value))
                continue;
            if (!Uri.TryCreate(entry.Value, UriKind.Absolute, out var resolved) || resolved.Scheme is not ("http" or "https"))
                throw new InvalidOperationException(
                    $"Cluster '{clusterId}': '{entry.Path}' = '{entry.Value}' is not an absolute http(s) URL.");
            addresses.Add(entry.Value.TrimEnd('/') + (logical.AbsolutePath == "/" ? "" : logical.AbsolutePath));
        }

        if (addresses.Count == 0)
            throw new InvalidOperationException(
                $"Cluster '{clusterId}' points at '{written}' but no address is configured for it: set '{key}:0' " +
                $"(environment variable {variable}) to the service's URL, e.g. http://127.0.0.1:5101.");
        return addresses;
    }
}
