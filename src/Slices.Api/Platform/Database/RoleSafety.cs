using Dapper;
using Npgsql;

namespace Slices.Api.Platform.Database;

/// <summary>
/// Row-level security protects nothing if the API connects as a superuser, a BYPASSRLS role, or the owner of the
/// tables (or a member of it). Outside Development the API refuses to serve in that case.
/// </summary>
public static class RoleSafety
{
    private const string Check = """
        SELECT r.rolsuper OR r.rolbypassrls
               OR EXISTS (SELECT FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                          WHERE n.nspname = 'public' AND c.relkind = 'r' AND pg_has_role(current_user, c.relowner, 'USAGE'))
        FROM pg_roles r WHERE r.rolname = current_user
        """;

    public const string Problem = "The API connects as a role that owns the tables, is a superuser or has BYPASSRLS, so row-level security would not isolate practices. Set DATABASE_URL to the app role (a member of slices_app) and MIGRATIONS_DATABASE_URL to the owner.";

    public static async Task<bool> IsUnsafeAsync(NpgsqlDataSource dataSource, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.ExecuteScalarAsync<bool>(new CommandDefinition(Check, cancellationToken: ct));
    }
}
