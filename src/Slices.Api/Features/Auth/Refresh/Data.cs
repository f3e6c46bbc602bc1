using Dapper;
using Npgsql;

namespace Slices.Api.Features.Auth.Refresh;

public static class Data
{
    private const string LockToken = """
        SELECT rt.session_id, s.user_id, rt.used_at, rt.expires_at, s.expires_at AS session_expires_at, s.revoked_at
        FROM refresh_tokens rt JOIN sessions s ON s.practice_id = rt.practice_id AND s.id = rt.session_id
        WHERE rt.token_hash = @hash
        FOR UPDATE OF rt, s
        """;

    private const string Spend = "UPDATE refresh_tokens SET used_at = now() WHERE token_hash = @hash";

    public static Task<TokenRow?> LockTokenAsync(NpgsqlConnection c, NpgsqlTransaction tx, byte[] hash, CancellationToken ct) =>
        c.QuerySingleOrDefaultAsync<TokenRow>(new CommandDefinition(LockToken, new { hash }, tx, cancellationToken: ct));

    public static Task SpendAsync(NpgsqlConnection c, NpgsqlTransaction tx, byte[] hash, CancellationToken ct) =>
        c.ExecuteAsync(new CommandDefinition(Spend, new { hash }, tx, cancellationToken: ct));
}
