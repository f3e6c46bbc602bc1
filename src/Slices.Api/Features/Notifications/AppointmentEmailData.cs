using Dapper;
using Npgsql;

namespace Slices.Api.Features.Notifications;

public static class AppointmentEmailData
{
    /// <summary>The appointment and the few details its email may show; the read of the address is logged as the system's.</summary>
    public const string Details = """
        WITH found AS (
            SELECT a.id AS appointment_id, a.patient_id, a.starts_at, a.status, p.given_name, p.email::text AS email,
                   c.name AS clinician_name, c.time_zone, pr.name AS practice_name
            FROM appointments a
            JOIN patients p ON p.id = a.patient_id
            JOIN clinicians c ON c.id = a.clinician_id
            JOIN practices pr ON pr.id = a.practice_id
            WHERE a.id = @appointmentId),
        logged AS (
            INSERT INTO phi_access_log (practice_id, actor_type, actor_id, action, resource_type, resource_ids, patient_ids, patient_id, request_id)
            SELECT current_tenant(), 'system', NULL, 'notify', 'appointment', ARRAY[f.appointment_id], ARRAY[f.patient_id], f.patient_id, @reference
            FROM found f WHERE f.email IS NOT NULL)
        SELECT * FROM found
        """;

    /// <summary>Claims the email: 1 when this job is the first to send it, 0 when it went out before (or is going out now).</summary>
    private const string Claim = """
        INSERT INTO sent_emails (practice_id, dedupe_key, kind, appointment_id, message_id)
        VALUES (current_tenant(), @dedupeKey, @kind, @appointmentId, @messageId)
        ON CONFLICT DO NOTHING
        """;

    public const string StartOf = "SELECT starts_at FROM appointments WHERE id = @appointmentId AND status = 'scheduled'";

    public static Task<AppointmentEmailDetails?> DetailsAsync(NpgsqlConnection c, NpgsqlTransaction tx, Guid appointmentId, string reference, CancellationToken ct) =>
        c.QuerySingleOrDefaultAsync<AppointmentEmailDetails>(new CommandDefinition(Details, new { appointmentId, reference }, tx, cancellationToken: ct));

    public static async Task<bool> ClaimAsync(NpgsqlConnection c, NpgsqlTransaction tx, string dedupeKey, string kind, Guid appointmentId, string messageId, CancellationToken ct) =>
        await c.ExecuteAsync(new CommandDefinition(Claim, new { dedupeKey, kind, appointmentId, messageId }, tx, cancellationToken: ct)) == 1;
}
