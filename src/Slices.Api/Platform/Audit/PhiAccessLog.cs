using Dapper;
using Npgsql;
using Slices.Api.Platform.Auth;

namespace Slices.Api.Platform.Audit;

/// <summary>
/// Records every read of PHI in the same transaction as the read, so a response that showed PHI always has its
/// log rows: who (user or API key), which records of which patient, when, from where, and the request id. One
/// row per patient, so "who looked at this patient" is an index lookup.
/// </summary>
public static class PhiAccessLog
{
    private const string Insert = """
        INSERT INTO phi_access_log (practice_id, actor_type, actor_id, action, resource_type, resource_ids, patient_ids, patient_id, request_id, client_ip)
        SELECT current_tenant(), @ActorType, @ActorId, @action, @resourceType, p.ids::uuid[], ARRAY[p.id], p.id, @RequestId, @clientIp::inet
        FROM unnest(@patients::uuid[], @resources::text[]) AS p(id, ids)
        """;

    /// <param name="records">Each record read, with the patient it belongs to (a patient record is its own patient).</param>
    public static Task RecordAsync(NpgsqlConnection c, NpgsqlTransaction tx, HttpContext http, string action, string resourceType,
        IEnumerable<(Guid Record, Guid Patient)> records, CancellationToken ct)
    {
        var byPatient = records.GroupBy(r => r.Patient, r => r.Record).ToList();
        if (byPatient.Count == 0) return Task.CompletedTask;
        var actor = Actor.Of(http);
        return c.ExecuteAsync(new CommandDefinition(Insert, new
        {
            ActorType = actor.Type,
            actor.ActorId,
            action,
            resourceType,
            patients = byPatient.Select(g => g.Key).ToArray(),
            resources = byPatient.Select(g => "{" + string.Join(',', g.Distinct()) + "}").ToArray(),
            actor.RequestId,
            clientIp = http.Connection.RemoteIpAddress?.ToString(),
        }, tx, cancellationToken: ct));
    }
}
