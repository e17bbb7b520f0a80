using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using PublicInnovation.AppHost.Infrastructure;
using Shouldly;

namespace PublicInnovation.AppHost.Tests.Infrastructure;

public sealed class DevTokensTests
{
    static readonly string Key = DevTokens.GenerateKey();

    [Fact]
    public async Task Token_validates_with_the_key_and_carries_role_subject_client_and_8_hours()
    {
        var subject = Guid.NewGuid();

        var token = DevTokens.Mint(Key, "moderator", subject, "civic-app");

        var result = await new JsonWebTokenHandler().ValidateTokenAsync(token, DevTokens.ValidationParameters(Key));
        result.IsValid.ShouldBeTrue(result.Exception?.Message);
        var jwt = (JsonWebToken)result.SecurityToken;
        jwt.Issuer.ShouldBe("publicinnovation-dev");
        jwt.Audiences.ShouldBe(["publicinnovation"]);
        jwt.Subject.ShouldBe(subject.ToString());
        jwt.GetClaim("role").Value.ShouldBe("moderator");
        jwt.GetClaim("client_id").Value.ShouldBe("civic-app");
        jwt.GetClaim("name").Value.ShouldBe("Dev moderator");
        jwt.Alg.ShouldBe("HS256");
        (jwt.ValidTo - jwt.IssuedAt).ShouldBe(TimeSpan.FromHours(8));
    }

    [Fact]
    public void Token_without_subject_or_client_keeps_the_role_identity_and_the_cli_client()
    {
        var first = new JsonWebToken(DevTokens.Mint(Key, "learner"));
        var second = new JsonWebToken(DevTokens.Mint(Key, "learner"));
        var instructor = new JsonWebToken(DevTokens.Mint(Key, "instructor"));

        first.Subject.ShouldBe(second.Subject);
        first.Subject.ShouldBe(DevTokens.DefaultSubject("learner").ToString());
        instructor.Subject.ShouldNotBe(first.Subject);
        first.GetClaim("client_id").Value.ShouldBe("dev-cli");
    }

    [Fact]
    public async Task Token_signed_with_another_key_is_rejected()
    {
        var token = DevTokens.Mint(DevTokens.GenerateKey(), "operator");

        var result = await new JsonWebTokenHandler().ValidateTokenAsync(token, DevTokens.ValidationParameters(Key));

        result.IsValid.ShouldBeFalse();
        result.Exception.ShouldBeAssignableTo<SecurityTokenInvalidSignatureException>();
    }

    [Fact]
    public void Mint_for_an_unknown_role_gives_one_sentence()
    {
        Should.Throw<AppHostException>(() => DevTokens.Mint(Key, "admin")).Message
            .ShouldBe("Unknown role 'admin': use one of learner, instructor, moderator, operator, partner.");
    }

    [Fact]
    public void LoadOrCreateKey_creates_a_256_bit_key_once_per_directory()
    {
        using var scratch = new Scratch();

        var key = DevTokens.LoadOrCreateKey(scratch.Directory);

        Convert.FromBase64String(key).Length.ShouldBe(32);
        DevTokens.LoadOrCreateKey(scratch.Directory).ShouldBe(key);
        File.ReadAllText(scratch.Path("dev-signing-key")).ShouldBe(key);
        DevTokens.LoadOrCreateKey(scratch.Path("other")).ShouldNotBe(key);
    }
}
