namespace PublicInnovation.Gateway.RateLimiting;

/// <summary>Per-client limits of the proxied routes, section <c>RateLimiting</c>.</summary>
public sealed class ClientRateLimitOptions
{
    public const string Section = "RateLimiting";

    /// <summary>Requests a client may make in one window. Default 100.</summary>
    public int PermitsPerWindow { get; set; } = 100;

    /// <summary>Length of the fixed window. Default 10 seconds.</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromSeconds(10);
}
