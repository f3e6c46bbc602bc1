using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Slices.Api.Tests.Infrastructure;

namespace Slices.Api.Tests.Features.Auth;

public sealed class AccessTokenTests(SlicesApp app) : IClassFixture<SlicesApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Access_tokens_are_es256_with_a_kid_the_jwks_publishes_and_last_15_minutes()
    {
        var practice = await app.SignUpAsync();
        var jwks = await (await app.CreateClient().GetAsync("/.well-known/jwks.json", Ct)).JsonAsync(HttpStatusCode.OK);

        var token = new JsonWebToken(practice.AccessToken);
        var key = jwks.GetProperty("keys").EnumerateArray().Single(k => k.GetProperty("kid").GetString() == token.Kid);

        Assert.Equal("ES256", token.Alg);
        Assert.Equal("t1", token.Kid);
        Assert.Equal("P-256", key.GetProperty("crv").GetString());
        Assert.False(key.TryGetProperty("d", out _));
        Assert.Equal(TimeSpan.FromMinutes(15), token.ValidTo - token.IssuedAt);
        Assert.Equal(practice.AdminId.ToString(), token.Subject);
        Assert.Equal(practice.PracticeId.ToString(), token.GetClaim("tid").Value);
        var verified = await new JsonWebTokenHandler().ValidateTokenAsync(practice.AccessToken, new TokenValidationParameters
        {
            IssuerSigningKey = new JsonWebKey(key.ToString()),
            ValidateIssuer = false,
            ValidateAudience = false,
        });
        Assert.True(verified.IsValid);
    }

    [Fact]
    public async Task An_expired_token_is_refused()
    {
        var practice = await app.SignUpAsync();
        var token = Forge(practice, payload => { payload["exp"] = DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeSeconds(); payload["iat"] = DateTimeOffset.UtcNow.AddMinutes(-20).ToUnixTimeSeconds(); payload["nbf"] = DateTimeOffset.UtcNow.AddMinutes(-20).ToUnixTimeSeconds(); });

        await (await app.As(token).GetAsync("/api/v1/auth/me", Ct)).AssertProblemAsync(401);
    }

    [Fact]
    public async Task A_token_not_valid_yet_is_refused()
    {
        var practice = await app.SignUpAsync();
        var token = Forge(practice, payload => payload["nbf"] = DateTimeOffset.UtcNow.AddMinutes(10).ToUnixTimeSeconds());

        await (await app.As(token).GetAsync("/api/v1/auth/me", Ct)).AssertProblemAsync(401);
    }

    [Fact]
    public async Task A_tampered_token_is_refused()
    {
        var practice = await app.SignUpAsync();
        var other = await app.SignUpAsync("Other Practice");
        var parts = practice.AccessToken.Split('.');
        var payload = JsonSerializer.Deserialize<Dictionary<string, object>>(Base64UrlEncoder.Decode(parts[1]))!;
        payload["tid"] = other.PracticeId.ToString();
        var tampered = $"{parts[0]}.{Base64UrlEncoder.Encode(JsonSerializer.Serialize(payload))}.{parts[2]}";
        // The genuine token first, so a verified signature is remembered: the altered one must not ride on it.
        Assert.Equal(System.Net.HttpStatusCode.OK, (await app.AsAdmin(practice).GetAsync("/api/v1/auth/me", Ct)).StatusCode);

        await (await app.As(tampered).GetAsync("/api/v1/auth/me", Ct)).AssertProblemAsync(401);
    }

    [Fact]
    public async Task Unsigned_and_hmac_tokens_are_refused()
    {
        var practice = await app.SignUpAsync();
        var payload = new JsonWebToken(practice.AccessToken).EncodedPayload;
        var none = $"{Base64UrlEncoder.Encode("{\"alg\":\"none\",\"typ\":\"JWT\"}")}.{payload}.";
        var header = Base64UrlEncoder.Encode("{\"alg\":\"HS256\",\"typ\":\"JWT\",\"kid\":\"t1\"}");
        using var key = TestStack.SigningKeyPair();
        var publicKeyAsSecret = key.ExportSubjectPublicKeyInfo();
        var signature = Base64UrlEncoder.Encode(HMACSHA256.HashData(publicKeyAsSecret, Encoding.ASCII.GetBytes($"{header}.{payload}")));
        var confused = $"{header}.{payload}.{signature}";

        await (await app.As(none).GetAsync("/api/v1/auth/me", Ct)).AssertProblemAsync(401);
        await (await app.As(confused).GetAsync("/api/v1/auth/me", Ct)).AssertProblemAsync(401);
    }

    [Fact]
    public async Task A_token_for_another_audience_or_issuer_is_refused()
    {
        var practice = await app.SignUpAsync();

        await (await app.As(Forge(practice, p => p["aud"] = "another-api")).GetAsync("/api/v1/auth/me", Ct)).AssertProblemAsync(401);
        await (await app.As(Forge(practice, p => p["iss"] = "https://evil.example")).GetAsync("/api/v1/auth/me", Ct)).AssertProblemAsync(401);
    }

    [Fact]
    public async Task A_correctly_signed_token_is_accepted_which_proves_the_refusals_above_are_about_their_flaw()
    {
        var practice = await app.SignUpAsync();

        var response = await app.As(Forge(practice, _ => { })).GetAsync("/api/v1/auth/me", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Rotating_the_signing_key_keeps_existing_tokens_valid()
    {
        var practice = await app.SignUpAsync();
        using var next = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        await using var rotated = await SlicesApp.StartAsync(s =>
        {
            s["DATABASE_URL"] = TestStack.AppUrl(app.Database);
            s["Auth:SigningKeys:t2"] = next.ExportPkcs8PrivateKeyPem();
            s["Auth:ActiveSigningKeyId"] = "t2";
        });

        var oldToken = await rotated.As(practice.AccessToken).GetAsync("/api/v1/auth/me", Ct);
        var newTokens = await rotated.LoginAsync(practice.AdminEmail, Accounts.Password);
        var jwks = await (await rotated.CreateClient().GetAsync("/.well-known/jwks.json", Ct)).JsonAsync(HttpStatusCode.OK);

        Assert.Equal(HttpStatusCode.OK, oldToken.StatusCode);
        Assert.Equal("t2", new JsonWebToken(newTokens.GetProperty("accessToken").GetString()).Kid);
        Assert.Equal(["t1", "t2"], jwks.GetProperty("keys").EnumerateArray().Select(k => k.GetProperty("kid").GetString()).Order());
    }

    [Fact]
    public async Task No_credentials_is_a_401_problem()
    {
        var response = await app.CreateClient().GetAsync("/api/v1/auth/me", Ct);

        await response.AssertProblemAsync(401);
        Assert.NotEmpty(response.Headers.WwwAuthenticate);
    }

    /// <summary>Re-signs the real token's claims, changed by <paramref name="change"/>, with the API's own signing key.</summary>
    private static string Forge(Practice practice, Action<Dictionary<string, object>> change)
    {
        var original = new JsonWebToken(practice.AccessToken);
        var payload = JsonSerializer.Deserialize<Dictionary<string, object>>(Base64UrlEncoder.Decode(original.EncodedPayload))!;
        change(payload);
        var key = new ECDsaSecurityKey(TestStack.SigningKeyPair()) { KeyId = "t1" };
        return new JsonWebTokenHandler().CreateToken(JsonSerializer.Serialize(payload), new SigningCredentials(key, SecurityAlgorithms.EcdsaSha256));
    }
}
