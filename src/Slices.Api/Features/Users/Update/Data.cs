using Dapper;
using Npgsql;

namespace Slices.Api.Features.Users.Update;

public static class Data
{
    private const string Lock = """
        SELECT id, name, email, role, disabled_at IS NOT NULL AS disabled, version FROM users WHERE id = @id FOR UPDATE
        """;

    private const string Save = """
        UPDATE users
        SET role = @role,
            disabled_at = CASE WHEN @disabled THEN coalesce(disabled_at, now()) END,
            version = version + 1,
            updated_at = now()
        WHERE id = @id
        """;

    public static Task<Row?> LockAsync(NpgsqlConnection c, NpgsqlTransaction tx, Guid id, CancellationToken ct) =>
        c.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(Lock, new { id }, tx, cancellationToken: ct));

    public static Task SaveAsync(NpgsqlConnection c, NpgsqlTransaction tx, Guid id, string role, bool disabled, CancellationToken ct) =>
        c.ExecuteAsync(new CommandDefinition(Save, new { id, role, disabled }, tx, cancellationToken: ct));
}
