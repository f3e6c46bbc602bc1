using Dapper;
using Npgsql;

namespace Slices.Api.Features.ApiKeys.List;

public static class Data
{
    private const string All = "SELECT id, name, scopes, created_at, last_used_at, revoked_at FROM api_keys ORDER BY id";

    public static async Task<IReadOnlyList<Item>> AllAsync(NpgsqlConnection c, NpgsqlTransaction tx, CancellationToken ct) =>
        [.. await c.QueryAsync<Item>(new CommandDefinition(All, transaction: tx, cancellationToken: ct))];
}
