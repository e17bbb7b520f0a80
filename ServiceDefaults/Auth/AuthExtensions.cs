using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.IdentityModel.Tokens;

namespace PublicInnovation.ServiceDefaults.Auth;

public static class AuthExtensions
{
    static readonly TimeSpan MaxClockSkew = TimeSpan.FromSeconds(30);

    /// <summary>
    /// JWT bearer authentication (issuer, audience, lifetime and signature validated) and one policy per role.
    /// The fallback policy requires an authenticated caller, so an endpoint that forgets to say who may call
    /// it is closed rather than open; health endpoints opt out explicitly.
    /// </summary>
    public static IHostApplicationBuilder AddPlatformAuth(this IHostApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(AuthOptions.Section).Get<AuthOptions>() ?? new AuthOptions();
        var parameters = CreateValidationParameters(options, builder.Environment);

        builder.Services
            .AddAuthentication(JwtBearerDefaults.AuthenticationScheme)
            .AddJwtBearer(jwt =>
            {
                jwt.Authority = options.Authority;
                jwt.RequireHttpsMetadata = !builder.Environment.IsDevelopment();
                // Keep claim names as issued (sub, role, client_id) instead of the legacy SOAP URIs.
                jwt.MapInboundClaims = false;
                jwt.TokenValidationParameters = parameters;
            });

        var authorization = builder.Services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());
        foreach (var role in Roles.All)
            authorization.AddPolicy(role, policy => policy.RequireAuthenticatedUser().RequireRole(role));

        return builder;
    }

    /// <summary>The validation rules, shared with tests and the development token command.</summary>
    public static TokenValidationParameters CreateValidationParameters(AuthOptions options, IHostEnvironment environment)
    {
        var parameters = new TokenValidationParameters
        {
            ValidateIssuer = true,
            ValidIssuer = options.Issuer ?? options.Authority ?? AuthOptions.DevelopmentIssuer,
            ValidateAudience = true,
            ValidAudience = options.Audience,
            ValidateLifetime = true,
            RequireExpirationTime = true,
            ClockSkew = options.ClockSkew > MaxClockSkew ? MaxClockSkew : options.ClockSkew,
            RoleClaimType = PlatformClaims.Role,
            NameClaimType = PlatformClaims.Name,
        };

        if (!string.IsNullOrEmpty(options.DevSigningKey))
        {
            // A shared symmetric key is only acceptable on a developer's machine: refuse it anywhere else,
            // so a leaked development key can never open a deployed platform.
            if (!environment.IsDevelopment())
                throw new InvalidOperationException(
                    "Auth:DevSigningKey is only accepted in the Development environment; configure Auth:Authority instead.");
            parameters.IssuerSigningKey = new SymmetricSecurityKey(Convert.FromBase64String(options.DevSigningKey));
            parameters.ValidateIssuerSigningKey = true;
        }
        else if (string.IsNullOrEmpty(options.Authority))
        {
            throw new InvalidOperationException(
                "No token validation configured: set Auth:Authority (OIDC provider) or, in Development, Auth:DevSigningKey.");
        }

        return parameters;
    }
}

/// <summary>Claim names of platform tokens.</summary>
public static class PlatformClaims
{
    public const string Subject = "sub";
    public const string Role = "role";
    public const string Name = "name";

    /// <summary>The calling application (a partner app, the web front); used to partition rate limits.</summary>
    public const string ClientId = "client_id";
}

public static class ClaimsPrincipalExtensions
{
    /// <summary>The caller's user id (<c>sub</c>), or null when absent or not a GUID.</summary>
    public static Guid? UserId(this ClaimsPrincipal user) =>
        Guid.TryParse(user.FindFirstValue(PlatformClaims.Subject), out var id) ? id : null;

    /// <summary>The calling application's id (<c>client_id</c>, else <c>azp</c>), or null.</summary>
    public static string? ClientId(this ClaimsPrincipal user) =>
        user.FindFirstValue(PlatformClaims.ClientId) ?? user.FindFirstValue("azp");
}
