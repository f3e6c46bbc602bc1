using Dapper;
using Npgsql;
using Slices.Api.Platform.Database;

namespace Slices.Api.Platform.Auth;

/// <summary>What login and refresh answer: the tokens, or in browser mode the same tokens as cookies and none in the body.</summary>
public sealed record TokenResponse(string? AccessToken, string? RefreshToken, string TokenType, int ExpiresIn);

/// <summary>Issues a session's tokens: a new refresh token row and a fresh access token (shared by login and refresh).</summary>
public sealed class SignIn(AccessTokens accessTokens, AuthOptions options, TimeProvider clock)
{
    private const string InsertRefresh = """
        INSERT INTO refresh_tokens (practice_id, id, session_id, token_hash, expires_at)
        VALUES (current_tenant(), @id, @sessionId, @hash, @expiresAt)
        """;

    public DateTimeOffset NewSessionExpiry() => clock.GetUtcNow().AddHours(options.SessionLifetimeHours);

    public async Task<TokenResponse> IssueAsync(NpgsqlConnection c, NpgsqlTransaction tx, HttpResponse response, bool useCookies,
        Guid practiceId, Guid userId, Guid sessionId, DateTimeOffset sessionExpires, CancellationToken ct)
    {
        var (refresh, hash) = RefreshToken.Create(practiceId);
        await c.ExecuteAsync(new CommandDefinition(InsertRefresh, new { id = Ids.NewV7(), sessionId, hash, expiresAt = sessionExpires }, tx, cancellationToken: ct));
        var access = accessTokens.Issue(userId, practiceId, sessionId);
        response.Headers.CacheControl = "no-store";
        if (!useCookies) return new TokenResponse(access, refresh, "Bearer", accessTokens.LifetimeSeconds);
        AuthCookies.Set(response, access, refresh, sessionExpires);
        return new TokenResponse(null, null, "Cookie", accessTokens.LifetimeSeconds);
    }
}
