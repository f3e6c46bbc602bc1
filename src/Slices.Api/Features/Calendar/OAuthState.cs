using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Slices.Api.Platform.Auth;

namespace Slices.Api.Features.Calendar;

/// <summary>
/// The OAuth state parameter: a short ES256-signed token naming the practice and the pending authorization. The
/// signature lets a forged or tampered state be refused before any lookup; the row it names makes it single-use.
/// Its audience is its own, so it can never pass as an access token (nor an access token as a state).
/// </summary>
public sealed class OAuthState(JwtKeys keys, AuthOptions auth, TimeProvider clock)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);
    private const string Audience = "slices-calendar-oauth-state";
    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false };

    public string Issue(Guid practiceId, Guid stateId)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        return _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = auth.Issuer,
            Audience = Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now.Add(Lifetime),
            SigningCredentials = keys.Signing,
            Subject = new ClaimsIdentity([new Claim(SlicesClaims.Practice, practiceId.ToString()), new Claim(JwtRegisteredClaimNames.Jti, stateId.ToString())]),
        });
    }

    /// <returns>The practice and the authorization's id, or null for anything not issued here, altered, or expired.</returns>
    public async Task<(Guid PracticeId, Guid StateId)?> ReadAsync(string? state)
    {
        if (string.IsNullOrEmpty(state) || state.Length > 4096) return null;
        var result = await _handler.ValidateTokenAsync(state, new TokenValidationParameters
        {
            ValidIssuer = auth.Issuer,
            ValidAudience = Audience,
            IssuerSigningKeys = keys.ValidationKeys,
            ValidAlgorithms = [SecurityAlgorithms.EcdsaSha256],
            ClockSkew = TimeSpan.FromSeconds(30),
        });
        return result.IsValid
               && Guid.TryParse(result.ClaimsIdentity.FindFirst(SlicesClaims.Practice)?.Value, out var practice)
               && Guid.TryParse(result.ClaimsIdentity.FindFirst(JwtRegisteredClaimNames.Jti)?.Value, out var id)
            ? (practice, id)
            : null;
    }
}
