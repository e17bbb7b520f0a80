namespace PublicInnovation.Gateway.Proxy;

/// <summary>Policy names the routes of <c>appsettings.json</c> refer to.</summary>
public static class GatewayPolicies
{
    /// <summary>Authorization: any caller with a valid token. Roles are checked by the services themselves.</summary>
    public const string AuthenticatedUser = "authenticated";

    /// <summary>Authorization: YARP's keyword for no authorization (the services' OpenAPI documents).</summary>
    public const string Anonymous = "anonymous";

    /// <summary>Rate limiting: one fixed window per calling client.</summary>
    public const string PerClient = "per-client";
}
