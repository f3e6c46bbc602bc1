using Dapper;
using Npgsql;

namespace Slices.Api.Features.Audit.PhiAccess;

public static class Data
{
    // Who may see the rows of phi_access_log_patients: those that mention this patient (its policy, migration 0018).
    internal const string ForPatient = "SELECT set_config('app.audit_patient', @patientId::text, true)";

    // A read of one patient names them on the log row; a read of several is filed under each in phi_access_log_patients,
    // and this patient's records are those at their positions in the row's parallel arrays.
    internal const string Page = """
        SELECT id, accessed_at, actor_type, actor_id, action, resource_type, resource_ids, request_id, host(client_ip) AS client_ip
        FROM ((SELECT id, accessed_at, actor_type, actor_id, action, resource_type, resource_ids, request_id, client_ip
               FROM phi_access_log
               WHERE patient_id = @patientId AND id < @before
               ORDER BY id DESC
               LIMIT @limit)
              UNION ALL
              (SELECT l.id, l.accessed_at, l.actor_type, l.actor_id, l.action, l.resource_type,
                      ARRAY(SELECT r FROM unnest(l.resource_ids, l.patient_ids) AS u(r, p) WHERE p = @patientId), l.request_id, l.client_ip
               FROM phi_access_log_patients x
               JOIN phi_access_log l ON l.practice_id = x.practice_id AND l.id = x.log_id
               WHERE x.patient_ids @> ARRAY[@patientId] AND x.log_id < @before
               ORDER BY x.log_id DESC
               LIMIT @limit)) a
        ORDER BY id DESC
        LIMIT @limit
        """;

    public static async Task<IReadOnlyList<Item>> PageAsync(NpgsqlConnection c, NpgsqlTransaction tx, Guid patientId, long before, int limit, CancellationToken ct)
    {
        await c.ExecuteAsync(new CommandDefinition(ForPatient, new { patientId }, tx, cancellationToken: ct));
        return [.. await c.QueryAsync<Item>(new CommandDefinition(Page, new { patientId, before, limit }, tx, cancellationToken: ct))];
    }
}
