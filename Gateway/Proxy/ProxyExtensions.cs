using Yarp.ReverseProxy.Configuration;

namespace PublicInnovation.Gateway.Proxy;

public static class ProxyExtensions
{
    /// <summary>
    /// YARP with routes and clusters from the <c>ReverseProxy</c> section, service names resolved from
    /// <c>services:*</c>, and the authorization policy the proxied routes require.
    /// </summary>
    public static IHostApplicationBuilder AddGatewayProxy(this IHostApplicationBuilder builder)
    {
        // The fallback policy of ServiceDefaults already requires a user; naming the policy on each route keeps the
        // routes explicit, and the gateway rejects a missing or invalid token with 401 before any service sees it.
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(GatewayPolicies.AuthenticatedUser, policy => policy.RequireAuthenticatedUser());

        builder.Services.AddReverseProxy()
            .LoadFromConfig(builder.Configuration.GetSection("ReverseProxy"))
            .AddConfigFilter<ServiceAddressConfigFilter>();
        return builder;
    }

    /// <summary>
    /// Maps the proxied routes. The pipeline is YARP's default one (affinity, load balancing, passive health)
    /// behind a step that turns YARP's bodiless error statuses into problem details.
    /// </summary>
    public static ReverseProxyConventionBuilder MapGatewayProxy(this WebApplication app) =>
        app.MapReverseProxy(proxy =>
        {
            proxy.UseMiddleware<ForwarderProblemDetails>();
            proxy.UseSessionAffinity();
            proxy.UseLoadBalancing();
            proxy.UsePassiveHealthChecks();
        });
}
