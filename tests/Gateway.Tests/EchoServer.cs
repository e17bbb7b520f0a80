using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace PublicInnovation.Gateway.Tests;

/// <summary>What the destination saw of one request.</summary>
public sealed record EchoedRequest(string Method, string Path, string RawTarget, Dictionary<string, string> Headers, long BodyLength)
{
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}

/// <summary>
/// A real Kestrel server on 127.0.0.1 standing in for every service: it reads the whole body, records the request
/// and answers it as JSON, so tests can assert both what the client got and what the service saw.
/// </summary>
public sealed class EchoServer : IAsyncDisposable
{
    readonly WebApplication _app;
    readonly ConcurrentQueue<EchoedRequest> _received = new();

    EchoServer(WebApplication app) => _app = app;

    public string Url => _app.Urls.Single();

    public IReadOnlyCollection<EchoedRequest> Received => _received;

    public static async Task<EchoServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new EchoServer(app);
        app.Run(server.EchoAsync);
        await app.StartAsync();
        return server;
    }

    async Task EchoAsync(HttpContext context)
    {
        long length;
        try
        {
            var buffer = new byte[8192];
            length = 0;
            int read;
            while ((read = await context.Request.Body.ReadAsync(buffer, context.RequestAborted)) > 0)
                length += read;
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or BadHttpRequestException)
        {
            // The gateway aborted the forward (a body over the limit): the service never got a whole request.
            return;
        }

        var request = new EchoedRequest(
            context.Request.Method,
            context.Request.Path + context.Request.QueryString,
            context.Features.GetRequiredFeature<IHttpRequestFeature>().RawTarget,
            context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
            length);
        _received.Enqueue(request);
        await context.Response.WriteAsJsonAsync(request);
    }

    /// <summary>Requests whose path starts with <paramref name="prefix"/>; each test uses a fresh one.</summary>
    public IReadOnlyList<EchoedRequest> ReceivedUnder(string prefix) =>
        _received.Where(r => r.Path.StartsWith(prefix, StringComparison.Ordinal)).ToList();

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
