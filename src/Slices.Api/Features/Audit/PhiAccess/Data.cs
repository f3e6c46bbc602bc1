using Dapper;
using Npgsql;

namespace Slices.Api.Features.Audit.PhiAccess;

public static class Data
{
    internal const string Page = """
        SELECT id, accessed_at, actor_type, actor_id, action, resource_type, resource_ids, request_id, host(client_ip) AS client_ip
        FROM phi_access_log
        WHERE patient_id = @patientId AND id < @before
        ORDER BY id DESC
        LIMIT @limit
        """;

    public static async Task<IReadOnlyList<Item>> PageAsync(NpgsqlConnection c, NpgsqlTransaction tx, Guid patientId, long before, int limit, CancellationToken ct) =>
        [.. await c.QueryAsync<Item>(new CommandDefinition(Page, new { patientId, before, limit }, tx, cancellationToken: ct))];
}
