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

    private static readonly string LoggedPage = Platform.Audit.PhiAccessLog.Logged(Page, "id", "patient_id", "starts_at, id");

    /// <summary>A page (one row more than shown, to know whether another follows) and the access log of the rows shown, in one round trip.</summary>
    public static async Task<IReadOnlyList<Appointment>> PageAsync(Platform.Database.Db db, HttpContext http, Guid practiceId, Request r, (DateTimeOffset At, Guid Id) after, CancellationToken ct)
    {
        var parameters = Platform.Audit.PhiAccessLog.Parameters(new { afterAt = after.At, afterId = after.Id, r.ClinicianId, r.PatientId, r.From, r.To, r.Status, limit = r.Limit + 1 },
            http, "list", "appointment", r.Limit);
        return await db.ReadInTenantAsync(practiceId, LoggedPage, parameters, async rows => (IReadOnlyList<Appointment>)[.. await rows.ReadAsync<Appointment>()], ct);
    }
}
