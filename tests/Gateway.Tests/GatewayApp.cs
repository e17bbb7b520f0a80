using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace PublicInnovation.Gateway.Tests;

/// <summary>
/// The gateway on a real Kestrel socket (so remote address, path normalisation and body limits behave as in
/// production), in Development with a random signing key, every service pointed at one destination.
/// The type argument is a gateway type, not Program, which several test projects would see.
/// </summary>
public sealed class GatewayApp : WebApplicationFactory<GatewayOptions>
{
    public const string Issuer = "publicinnovation-dev";
    public const string Audience = "publicinnovation";
    public static readonly string[] ServiceNames = ["catalogue", "enrollment", "webinar", "forum", "certification"];

    readonly Dictionary<string, string?> _settings;

    GatewayApp(Dictionary<string, string?> settings) => _settings = settings;

    public Tokens Tokens { get; } = new(Issuer, Audience);

    /// <summary>Starts a gateway whose services all live at <paramref name="destination"/>, with overrides.</summary>
    public static GatewayApp Start(string destination, IReadOnlyDictionary<string, string?>? overrides = null)
    {
        var settings = ServiceNames.ToDictionary(s => $"services:{s}:http:0", _ => (string?)destination);
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
            settings[key] = value;
        var app = new GatewayApp(settings);
        settings["Auth:DevSigningKey"] = app.Tokens.Base64Key;
        app.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        try
        {
            app.StartServer();
        }
        catch
        {
            app.Dispose();
            throw;
        }
        return app;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        foreach (var (key, value) in _settings)
            builder.UseSetting(key, value);
    }

    /// <summary>A client with a token for <paramref name="clientId"/> (a fresh one unless given).</summary>
    public HttpClient ClientWithToken(string? clientId = null, string role = "learner")
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization =
            new AuthenticationHeaderValue("Bearer", Tokens.Mint(role, clientId ?? $"client-{Guid.NewGuid():N}"));
        return client;
    }
}
