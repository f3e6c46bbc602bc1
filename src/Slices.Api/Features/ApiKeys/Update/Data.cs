using Dapper;
using Npgsql;

namespace Slices.Api.Features.ApiKeys.Update;

public static class Data
{
    private const string Save = "UPDATE api_keys SET rate_limit = @RateLimit WHERE id = @Id AND revoked_at IS NULL RETURNING id, name, rate_limit";

    public static Task<Response?> SaveAsync(NpgsqlConnection c, NpgsqlTransaction tx, Request r, CancellationToken ct) =>
        c.QuerySingleOrDefaultAsync<Response>(new CommandDefinition(Save, new { r.Id, r.RateLimit }, tx, cancellationToken: ct));
}
