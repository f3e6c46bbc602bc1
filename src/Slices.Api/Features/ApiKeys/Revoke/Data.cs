using Dapper;
using Npgsql;

namespace Slices.Api.Features.ApiKeys.Revoke;

public static class Data
{
    private const string LockActive = "SELECT revoked_at IS NULL FROM api_keys WHERE id = @id FOR UPDATE";

    private const string Revoke = "UPDATE api_keys SET revoked_at = now() WHERE id = @id";

    /// <returns>null when there is no such key, else whether it is still active.</returns>
    public static Task<bool?> LockActiveAsync(NpgsqlConnection c, NpgsqlTransaction tx, Guid id, CancellationToken ct) =>
        c.QuerySingleOrDefaultAsync<bool?>(new CommandDefinition(LockActive, new { id }, tx, cancellationToken: ct));

    public static Task RevokeAsync(NpgsqlConnection c, NpgsqlTransaction tx, Guid id, CancellationToken ct) =>
        c.ExecuteAsync(new CommandDefinition(Revoke, new { id }, tx, cancellationToken: ct));
}
