using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace PublicInnovation.AppHost.Infrastructure;

/// <summary>
/// Development tokens: HS256 JWTs signed with a key generated once per data directory. The AppHost passes the same
/// key to every service as <c>Auth__DevSigningKey</c>, which the services accept only in Development. Nothing
/// serves tokens over HTTP: they come from the command line (<c>dotnet run --project AppHost -- token ROLE</c>)
/// or from the test infrastructure.
/// </summary>
public static class DevTokens
{
    public const string Issuer = "publicinnovation-dev";
    public const string Audience = "publicinnovation";
    public const string DefaultClient = "dev-cli";
    public const string KeyFileName = "dev-signing-key";
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(8);

    /// <summary>The platform's roles (claim <c>role</c>).</summary>
    public static IReadOnlyList<string> Roles { get; } = ["learner", "instructor", "moderator", "operator", "partner"];

    /// <summary>Mints a token for <paramref name="role"/>; without a subject, the role's stable default identity.</summary>
    public static string Mint(string signingKey, string role, Guid? subject = null, string? client = null, TimeProvider? time = null)
    {
        if (!Roles.Contains(role))
            throw new AppHostException($"Unknown role '{role}': use one of {string.Join(", ", Roles)}.");

        var now = (time ?? TimeProvider.System).GetUtcNow().UtcDateTime;
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + Lifetime,
            Claims = new Dictionary<string, object>
            {
                ["sub"] = (subject ?? DefaultSubject(role)).ToString(),
                ["role"] = role,
                ["client_id"] = client ?? DefaultClient,
                ["name"] = $"Dev {role}",
            },
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Convert.FromBase64String(signingKey)), SecurityAlgorithms.HmacSha256),
        };
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }

    /// <summary>A GUID derived from the role name, so a role keeps its identity from one token to the next.</summary>
    public static Guid DefaultSubject(string role)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{Issuer}/{role}"));
        hash[7] = (byte)((hash[7] & 0x0F) | 0x50); // RFC 4122 name-based layout (version 5 nibble, variant bits)
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash.AsSpan(0, 16));
    }

    /// <summary>A random 256-bit key, base64.</summary>
    public static string GenerateKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    /// <summary>The key of <c>DIR/dev-signing-key</c>, created on first use (several processes may race: one wins).</summary>
    public static string LoadOrCreateKey(string dataDirectory)
    {
        Directory.CreateDirectory(dataDirectory);
        var path = Path.Combine(dataDirectory, KeyFileName);
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                var existing = File.ReadAllText(path).Trim();
                if (existing.Length > 0) return existing;
            }
            catch (FileNotFoundException)
            {
            }

            try
            {
                var create = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
                if (!OperatingSystem.IsWindows()) create.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
                using var stream = new FileStream(path, create);
                var key = GenerateKey();
                stream.Write(Encoding.ASCII.GetBytes(key));
                return key;
            }
            catch (IOException) when (File.Exists(path) && attempt < 20)
            {
                Thread.Sleep(50); // created by another process a moment ago; read it on the next turn
            }
        }
    }

    /// <summary>What a service checks, for tests and tools that validate development tokens.</summary>
    public static TokenValidationParameters ValidationParameters(string signingKey) => new()
    {
        ValidIssuer = Issuer,
        ValidAudience = Audience,
        IssuerSigningKey = new SymmetricSecurityKey(Convert.FromBase64String(signingKey)),
        ValidateIssuerSigningKey = true,
        RequireExpirationTime = true,
        ClockSkew = TimeSpan.FromSeconds(30),
        RoleClaimType = "role",
        NameClaimType = "name",
    };
}
