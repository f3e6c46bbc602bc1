using Dapper;
using Npgsql;
using Slices.Api.Platform.Auth;

namespace Slices.Api.Platform.Audit;

/// <summary>
/// Records every read of PHI in the same transaction as the read, so a response that showed PHI always has its
/// log row: who (user or API key), what (records and their patients), when, from where, and the request id.
/// </summary>
public static class PhiAccessLog
{
    private const string Insert = """
        INSERT INTO phi_access_log (practice_id, actor_type, actor_id, action, resource_type, resource_ids, patient_ids, request_id, client_ip)
        VALUES (current_tenant(), @ActorType, @ActorId, @action, @resourceType, @resourceIds, @patientIds, @RequestId, @clientIp::inet)
        """;

    public static Task RecordAsync(NpgsqlConnection c, NpgsqlTransaction tx, HttpContext http, string action, string resourceType,
        IReadOnlyCollection<Guid> resourceIds, IReadOnlyCollection<Guid> patientIds, CancellationToken ct)
    {
        if (resourceIds.Count == 0) return Task.CompletedTask;
        var actor = Actor.Of(http);
        return c.ExecuteAsync(new CommandDefinition(Insert, new
        {
            ActorType = actor.Type,
            actor.ActorId,
            action,
            resourceType,
            resourceIds = resourceIds.ToArray(),
            patientIds = patientIds.ToArray(),
            actor.RequestId,
            clientIp = http.Connection.RemoteIpAddress?.ToString(),
        }, tx, cancellationToken: ct));
    }
}
