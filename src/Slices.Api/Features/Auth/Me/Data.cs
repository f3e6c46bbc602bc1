using Dapper;
using Npgsql;

namespace Slices.Api.Features.Auth.Me;

public static class Data
{
    private const string Read = """
        SELECT u.name, u.email, u.role, p.name AS practice_name, u.totp_confirmed_at IS NOT NULL AS mfa_enabled
        FROM users u JOIN practices p ON p.id = u.practice_id
        WHERE u.id = @userId
        """;

    public static Task<Row?> ReadAsync(NpgsqlConnection c, NpgsqlTransaction tx, Guid userId, CancellationToken ct) =>
        c.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(Read, new { userId }, tx, cancellationToken: ct));
}
