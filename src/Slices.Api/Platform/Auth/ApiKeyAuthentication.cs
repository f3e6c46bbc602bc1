using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Encodings.Web;
using Dapper;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Slices.Api.Platform.Caching;
using Slices.Api.Platform.Database;
using KeyRow = (byte[] SecretHash, string[] Scopes, System.DateTimeOffset? LastUsedAt, int? RateLimit);

namespace Slices.Api.Platform.Auth;

/// <summary>Authenticates integrators by API key, sent as X-API-Key or as Authorization: Bearer sk_live_...</summary>
public sealed class ApiKeyAuthentication(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory loggers, UrlEncoder encoder, Db db, TwoLevelCache cache, TimeProvider clock)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggers, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string Header = "X-API-Key";

    private const string Lookup = """
        SELECT secret_hash, scopes, last_used_at, rate_limit FROM api_keys WHERE id = @keyId AND revoked_at IS NULL
        """;

    private const string MarkUsed = "UPDATE api_keys SET last_used_at = @now WHERE id = @keyId";

    public static bool IsApiKeyRequest(HttpContext context) =>
        context.Request.Headers.ContainsKey(Header) ||
        context.Request.Headers.Authorization.ToString().StartsWith("Bearer " + ApiKeyToken.Prefix, StringComparison.Ordinal);

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var presented = Request.Headers[Header].FirstOrDefault() ?? Request.Headers.Authorization.ToString()["Bearer ".Length..];
        if (!ApiKeyToken.TryParse(presented.Trim(), out var practiceId, out var keyId, out var secretHash))
            return AuthenticateResult.Fail("The API key is malformed.");

        cache.StartLookup(Context, practiceId); // beside the key's own read; used only if the key is good
        var now = clock.GetUtcNow();
        var key = await db.InTenantAsync(practiceId, async (c, tx) =>
        {
            var row = await c.QuerySingleOrDefaultAsync<KeyRow?>(
                new CommandDefinition(Lookup, new { keyId }, tx, cancellationToken: Context.RequestAborted));
            if (row is not { } found || !CryptographicOperations.FixedTimeEquals(found.SecretHash, secretHash)) return (KeyRow?)null;
            if (found.LastUsedAt is null || now - found.LastUsedAt > TimeSpan.FromMinutes(1))
                await c.ExecuteAsync(new CommandDefinition(MarkUsed, new { keyId, now }, tx, cancellationToken: Context.RequestAborted));
            return (KeyRow?)found;
        }, Context.RequestAborted);
        if (key is not { } valid) return AuthenticateResult.Fail("The API key is unknown or revoked.");

        var claims = new List<Claim>
        {
            new Claim(SlicesClaims.Subject, keyId.ToString()),
            new Claim(SlicesClaims.Practice, practiceId.ToString()),
            new Claim(SlicesClaims.ActorType, Actor.ApiKeyType),
            new Claim(SlicesClaims.Via, Actor.ApiKeyType),
        };
        claims.AddRange(valid.Scopes.Select(s => new Claim(SlicesClaims.Permission, s)));
        if (valid.RateLimit is { } limit) claims.Add(new Claim(SlicesClaims.RateLimit, limit.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        var identity = new ClaimsIdentity(claims, SchemeName, SlicesClaims.Subject, SlicesClaims.Role);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }
}
