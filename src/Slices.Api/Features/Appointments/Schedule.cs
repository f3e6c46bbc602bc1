using Dapper;
using Npgsql;
using Slices.Api.Platform.Errors;

namespace Slices.Api.Features.Appointments;

/// <summary>The scheduling rules that booking and rescheduling share: working hours, time off, and naming a clash.</summary>
public static class Schedule
{
    public const string NoOverlap = "appointments_no_overlap";

    /// <summary>
    /// SQL true when [@startsAt, @endsAt) is inside one block of clinician @clinicianId's weekly hours, on one local
    /// day, and clear of their time off.
    /// </summary>
    public const string FitsWorkingTime = """
        EXISTS (
            SELECT FROM clinician_hours h JOIN clinicians c ON c.practice_id = h.practice_id AND c.id = h.clinician_id
            WHERE c.id = @clinicianId
              AND h.weekday = extract(isodow FROM @startsAt AT TIME ZONE c.time_zone)
              AND (@startsAt AT TIME ZONE c.time_zone)::date = (@endsAt AT TIME ZONE c.time_zone)::date
              AND (@startsAt AT TIME ZONE c.time_zone)::time >= h.starts
              AND (@endsAt AT TIME ZONE c.time_zone)::time <= h.ends)
        AND NOT EXISTS (
            SELECT FROM clinician_time_off t WHERE t.clinician_id = @clinicianId AND t.period && tstzrange(@startsAt, @endsAt, '[)'))
        """;

    private const string Fits = $"SELECT {FitsWorkingTime}";

    private const string Clash = """
        SELECT id FROM appointments
        WHERE clinician_id = @clinicianId AND status <> 'cancelled' AND period && tstzrange(@startsAt, @endsAt, '[)') AND id <> @except
        ORDER BY starts_at LIMIT 1
        """;

    public static async Task RequireWorkingTimeAsync(NpgsqlConnection c, NpgsqlTransaction tx, Guid clinicianId, DateTimeOffset startsAt, DateTimeOffset endsAt, CancellationToken ct)
    {
        if (!await c.ExecuteScalarAsync<bool>(new CommandDefinition(Fits, new { clinicianId, startsAt, endsAt }, tx, cancellationToken: ct)))
            throw OutsideWorkingTime();
    }

    public static ApiException OutsideWorkingTime() => new(StatusCodes.Status422UnprocessableEntity,
        "The time is outside the clinician's working hours or falls in their time off. GET /api/v1/clinicians/{id}/availability lists free slots.");

    /// <summary>The 409 for a booking that overlaps another, naming it; read in a fresh transaction, as the failed one is aborted.</summary>
    public static async Task<ApiException> ClashAsync(Platform.Database.Db db, Guid practiceId, Guid clinicianId, DateTimeOffset startsAt, DateTimeOffset endsAt, Guid except, CancellationToken ct)
    {
        var other = await db.InTenantAsync(practiceId, (c, tx) =>
            c.QueryFirstOrDefaultAsync<Guid?>(new CommandDefinition(Clash, new { clinicianId, startsAt, endsAt, except }, tx, cancellationToken: ct)), ct);
        return new ApiException(StatusCodes.Status409Conflict,
            $"The clinician already has appointment {other} at that time.", new Dictionary<string, object?> { ["conflictingAppointmentId"] = other });
    }
}
