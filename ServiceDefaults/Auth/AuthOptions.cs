namespace PublicInnovation.ServiceDefaults.Auth;

/// <summary>
/// Token validation settings, section <c>Auth</c>. In production <see cref="Authority"/> points at the OIDC
/// provider; in Development a symmetric <see cref="DevSigningKey"/> (handed out by the AppHost) replaces it.
/// </summary>
public sealed class AuthOptions
{
    public const string Section = "Auth";

    /// <summary>The issuer used by development tokens (<c>dotnet run --project AppHost -- token ROLE</c>).</summary>
    public const string DevelopmentIssuer = "publicinnovation-dev";

    /// <summary>OIDC authority whose discovery document gives the signing keys (production).</summary>
    public string? Authority { get; set; }

    /// <summary>Expected <c>iss</c>; defaults to the authority, or the development issuer.</summary>
    public string? Issuer { get; set; }

    /// <summary>Expected <c>aud</c>.</summary>
    public string Audience { get; set; } = "publicinnovation";

    /// <summary>Base64 HMAC key for development tokens; refused outside the Development environment.</summary>
    public string? DevSigningKey { get; set; }

    /// <summary>Tolerated clock difference with the issuer; capped at 30 seconds.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);
}
