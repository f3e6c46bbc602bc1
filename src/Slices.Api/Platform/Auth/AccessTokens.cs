using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Slices.Api.Platform.Database;

namespace Slices.Api.Platform.Auth;

/// <summary>Issues the short-lived ES256 access tokens. Role and permissions are not in them: they come from the session on every request.</summary>
public sealed class AccessTokens(JwtKeys keys, AuthOptions options, TimeProvider clock)
{
    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false };

    public int LifetimeSeconds => options.AccessTokenMinutes * 60;

    public string Issue(Guid userId, Guid practiceId, Guid sessionId)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        return _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = options.Issuer,
            Audience = options.Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now.AddMinutes(options.AccessTokenMinutes),
            SigningCredentials = keys.Signing,
            Subject = new ClaimsIdentity(
            [
                new Claim(SlicesClaims.Subject, userId.ToString()),
                new Claim(SlicesClaims.Practice, practiceId.ToString()),
                new Claim(SlicesClaims.Session, sessionId.ToString()),
                new Claim(JwtRegisteredClaimNames.Jti, Ids.NewV7().ToString()),
            ]),
        });
    }

    public TokenValidationParameters ValidationParameters() => new()
    {
        ValidIssuer = options.Issuer,
        ValidAudience = options.Audience,
        IssuerSigningKeys = keys.ValidationKeys,
        ValidAlgorithms = [SecurityAlgorithms.EcdsaSha256],
        ValidateIssuer = true,
        ValidateAudience = true,
        ValidateLifetime = true,
        ValidateIssuerSigningKey = true,
        RequireSignedTokens = true,
        RequireExpirationTime = true,
        ClockSkew = TimeSpan.FromSeconds(30),
        NameClaimType = SlicesClaims.Subject,
        RoleClaimType = SlicesClaims.Role,
    };
}
