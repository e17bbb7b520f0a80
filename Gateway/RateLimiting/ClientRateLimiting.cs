using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using PublicInnovation.Gateway.Proxy;
using PublicInnovation.ServiceDefaults.Auth;

namespace PublicInnovation.Gateway.RateLimiting;

public static class ClientRateLimiting
{
    /// <summary>
    /// The <see cref="GatewayPolicies.PerClient"/> policy: a fixed window per calling application (<c>client_id</c>,
    /// else <c>azp</c>), else per user (<c>sub</c>), else per remote address, so one partner's burst never spends
    /// another's budget. A rejection is a 429 problem detail with <c>Retry-After</c> in seconds.
    /// </summary>
    public static IHostApplicationBuilder AddClientRateLimiting(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ClientRateLimitOptions>()
            .Bind(builder.Configuration.GetSection(ClientRateLimitOptions.Section))
            .Validate(o => o.PermitsPerWindow > 0 && o.Window > TimeSpan.Zero,
                "RateLimiting:PermitsPerWindow and RateLimiting:Window must be positive.")
            .ValidateOnStart();

        builder.Services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.OnRejected = WriteRejectionAsync;
            options.AddPolicy(GatewayPolicies.PerClient, context =>
            {
                var limits = context.RequestServices.GetRequiredService<IOptionsMonitor<ClientRateLimitOptions>>().CurrentValue;
                return RateLimitPartition.GetFixedWindowLimiter(PartitionKey(context), _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = limits.PermitsPerWindow,
                    Window = limits.Window,
                    QueueLimit = 0,
                });
            });
        });
        return builder;
    }

    /// <summary>Prefixed so that a client id can never collide with a user id or an address.</summary>
    static string PartitionKey(HttpContext context) =>
        context.User.ClientId() is { Length: > 0 } client ? $"client:{client}"
        : context.User.FindFirst(PlatformClaims.Subject)?.Value is { Length: > 0 } subject ? $"sub:{subject}"
        : $"ip:{context.Connection.RemoteIpAddress}";

    static async ValueTask WriteRejectionAsync(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        var context = rejected.HttpContext;
        var limits = context.RequestServices.GetRequiredService<IOptionsMonitor<ClientRateLimitOptions>>().CurrentValue;
        var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : limits.Window;
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));

        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status429TooManyRequests,
                Title = "Too many requests",
                Detail = $"This client may make {limits.PermitsPerWindow} requests per {limits.Window.TotalSeconds:0.###} s; retry in {seconds} s.",
            },
        });
    }
}
