using Dapper;
using Npgsql;

namespace Slices.Api.Features.Appointments.List;

public static class Data
{
    // Keyset on (starts_at, id): a clinician's day or a patient's history in time order, on their indexes.
    internal const string Page = $"""
        SELECT {Appointment.Columns} FROM appointments
        WHERE (starts_at, id) > (@afterAt, @afterId)
          AND (@clinicianId::uuid IS NULL OR clinician_id = @clinicianId)
          AND (@patientId::uuid IS NULL OR patient_id = @patientId)
          AND (@from::timestamptz IS NULL OR starts_at >= @from)
          AND (@to::timestamptz IS NULL OR starts_at < @to)
          AND (@status::text IS NULL OR status = @status)
        ORDER BY starts_at, id
        LIMIT @limit
        """;

    public static async Task<IReadOnlyList<Appointment>> PageAsync(NpgsqlConnection c, NpgsqlTransaction tx, Request r, (DateTimeOffset At, Guid Id) after, int limit, CancellationToken ct) =>
        [.. await c.QueryAsync<Appointment>(new CommandDefinition(Page, new { afterAt = after.At, afterId = after.Id, r.ClinicianId, r.PatientId, r.From, r.To, r.Status, limit }, tx, cancellationToken: ct))];
}
