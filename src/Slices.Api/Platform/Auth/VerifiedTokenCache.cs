using System.Collections.Concurrent;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Slices.Api.Platform.Auth;

/// <summary>
/// Verifies an access token's ES256 signature once, not on every request: a token that validated is remembered
/// until it expires (at most 15 minutes), keyed by the whole token string, so an altered token is a miss and goes
/// through full validation. Only the signature and claims checks are skipped; the session is still checked on every
/// request, so logout and revocation still hold at once. Bounded: past the limit, the cache starts over.
/// </summary>
internal sealed class VerifiedTokenCache(TimeProvider clock) : JsonWebTokenHandler
{
    private const int Limit = 100_000;
    private readonly ConcurrentDictionary<string, (DateTime ValidTo, TokenValidationResult Result)> _verified = new(StringComparer.Ordinal);

    public override async Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        if (_verified.TryGetValue(token, out var hit) && hit.ValidTo > now)
        {
            return new TokenValidationResult
            {
                IsValid = true,
                SecurityToken = hit.Result.SecurityToken,
                ClaimsIdentity = hit.Result.ClaimsIdentity, // never changed: the session's grants go on a copy (SessionPrincipals)
                Issuer = hit.Result.Issuer,
                TokenType = hit.Result.TokenType,
            };
        }
        var result = await base.ValidateTokenAsync(token, validationParameters);
        if (result.IsValid && result.SecurityToken is JsonWebToken jwt)
        {
            if (_verified.Count >= Limit) _verified.Clear();
            _verified[token] = (jwt.ValidTo, new TokenValidationResult
            {
                SecurityToken = result.SecurityToken,
                ClaimsIdentity = result.ClaimsIdentity,
                Issuer = result.Issuer,
                TokenType = result.TokenType,
            });
        }
        return result;
    }
}
