using System.Diagnostics;
using System.IdentityModel.Tokens.Jwt;
using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.IdentityModel.Tokens;
using OpenTelemetry;
using PublicInnovation.ServiceDefaults.Auth;

namespace PublicInnovation.ServiceDefaults.Tests.Web;

/// <summary>Collects finished spans, as the OTLP exporter would send them.</summary>
public sealed class CollectingExporter : BaseExporter<Activity>
{
    public List<Activity> Exported { get; } = [];

    public override ExportResult Export(in OpenTelemetry.Batch<Activity> batch)
    {
        lock (Exported)
            foreach (var activity in batch)
                Exported.Add(activity);
        return ExportResult.Success;
    }
}

/// <summary>A bare web app with AddServiceDefaults/MapDefaultEndpoints, on the in-memory test server.</summary>
public sealed class DefaultsTestApp : IAsyncDisposable
{
    public static readonly string Key = Convert.ToBase64String(Guid.NewGuid().ToByteArray().Concat(Guid.NewGuid().ToByteArray()).ToArray());

    readonly WebApplication _app;

    DefaultsTestApp(WebApplication app, CollectingExporter exporter)
    {
        _app = app;
        Exporter = exporter;
        Client = app.GetTestClient();
    }

    public HttpClient Client { get; }
    public CollectingExporter Exporter { get; }
    public IServiceProvider Services => _app.Services;

    public static async Task<DefaultsTestApp> StartAsync(string environment = "Development")
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = environment });
        builder.WebHost.UseTestServer();
        builder.Configuration["Auth:DevSigningKey"] = Key;
        var exporter = new CollectingExporter();
        builder.Services.AddSingleton<BaseProcessor<Activity>>(new SimpleActivityExportProcessor(exporter));
        builder.AddServiceDefaults();

        var app = builder.Build();
        app.MapDefaultEndpoints();
        app.MapGet("/ping", () => "pong").AllowAnonymous();
        app.MapGet("/boom", string () => throw new InvalidOperationException("secret internals")).AllowAnonymous();
        app.MapGet("/operators", () => "ok").RequireAuthorization(Roles.Operator);
        app.MapGet("/anyone", () => "ok");
        await app.StartAsync();
        return new DefaultsTestApp(app, exporter);
    }

    public static string Token(string role, string issuer = AuthOptions.DevelopmentIssuer, string audience = "publicinnovation",
        DateTime? expires = null, string? key = null)
    {
        var handler = new JwtSecurityTokenHandler();
        var now = DateTime.UtcNow;
        var exp = expires ?? now.AddMinutes(10);
        var token = handler.CreateJwtSecurityToken(issuer, audience,
            new ClaimsIdentity([new Claim("sub", Guid.NewGuid().ToString()), new Claim("role", role)]),
            notBefore: exp < now ? exp.AddMinutes(-10) : now, expires: exp, issuedAt: exp < now ? exp.AddMinutes(-10) : now,
            signingCredentials: new SigningCredentials(new SymmetricSecurityKey(Convert.FromBase64String(key ?? Key)), SecurityAlgorithms.HmacSha256));
        return handler.WriteToken(token);
    }

    public async Task<HttpResponseMessage> GetAsync(string path, string? token = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (token is not null) request.Headers.Authorization = new("Bearer", token);
        return await Client.SendAsync(request);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
