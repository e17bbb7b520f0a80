using System.IdentityModel.Tokens.Jwt;
using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace PublicInnovation.Gateway.Tests;

/// <summary>Mints platform tokens as the development issuer does, with a key of its own.</summary>
public sealed class Tokens(string issuer, string audience)
{
    readonly byte[] _key = RandomNumberGenerator.GetBytes(32);

    public string Base64Key => Convert.ToBase64String(_key);

    public string Mint(string role, string? clientId, DateTime? expires = null, byte[]? signingKey = null)
    {
        var claims = new List<Claim> { new("sub", Guid.NewGuid().ToString()), new("role", role) };
        if (clientId is not null)
            claims.Add(new Claim("client_id", clientId));
        var until = expires ?? DateTime.UtcNow.AddMinutes(10);
        var token = new JwtSecurityToken(issuer, audience, claims, notBefore: until.AddMinutes(-20), expires: until,
            signingCredentials: new SigningCredentials(new SymmetricSecurityKey(signingKey ?? _key), SecurityAlgorithms.HmacSha256));
        return new JwtSecurityTokenHandler().WriteToken(token);
    }
}
