using Dapper;
using Npgsql;

namespace Slices.Api.Features.Users.List;

public static class Data
{
    private const string Page = """
        SELECT id, name, email, role, disabled_at IS NOT NULL AS disabled, totp_confirmed_at IS NOT NULL AS mfa_enabled, created_at
        FROM users
        WHERE id > @after
        ORDER BY id
        LIMIT @limit
        """;

    public static async Task<IReadOnlyList<Item>> PageAsync(NpgsqlConnection c, NpgsqlTransaction tx, Guid after, int limit, CancellationToken ct) =>
        [.. await c.QueryAsync<Item>(new CommandDefinition(Page, new { after, limit }, tx, cancellationToken: ct))];
}
