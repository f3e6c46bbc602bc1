using Dapper;
using Npgsql;

namespace Slices.Api.Features.Users.Create;

public static class Data
{
    private const string Insert = """
        INSERT INTO users (practice_id, id, name, email, role, password_hash)
        VALUES (current_tenant(), @id, @name, @email, @role, @passwordHash)
        RETURNING created_at
        """;

    private const string ClaimEmail = """
        INSERT INTO user_logins (email, practice_id, user_id) VALUES (@email, current_tenant(), @id)
        ON CONFLICT (email) DO NOTHING
        """;

    public static Task<DateTimeOffset> InsertAsync(NpgsqlConnection c, NpgsqlTransaction tx, Guid id, Request r, string passwordHash, CancellationToken ct) =>
        c.ExecuteScalarAsync<DateTimeOffset>(new CommandDefinition(Insert, new { id, r.Name, r.Email, r.Role, passwordHash }, tx, cancellationToken: ct));

    public static async Task<bool> ClaimEmailAsync(NpgsqlConnection c, NpgsqlTransaction tx, Guid id, string email, CancellationToken ct) =>
        await c.ExecuteAsync(new CommandDefinition(ClaimEmail, new { id, email }, tx, cancellationToken: ct)) == 1;
}
