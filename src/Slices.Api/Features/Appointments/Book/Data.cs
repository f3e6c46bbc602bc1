using System.Data.Common;
using Dapper;
using Slices.Api.Platform.Database;
using Slices.Api.Platform.Auth;
using Slices.Api.Platform.Events;

namespace Slices.Api.Features.Appointments.Book;

/// <summary>What one booking statement found: each party (null when not in the practice), the time, and the booking if made.</summary>
public sealed record Outcome(bool? PatientActive, bool? ClinicianActive, bool Fits);

public static class Data
{
    // Checks both parties and the working time, books only when all hold, and stages the event only for a booking:
    // one statement, so one round trip. An overlap still fails the insert on the exclusion constraint.
    private static readonly string Book = $"""
        WITH parties AS (
            SELECT (SELECT archived_at IS NULL FROM patients WHERE id = @patientId) AS patient_active,
                   (SELECT active FROM clinicians WHERE id = @clinicianId) AS clinician_active,
                   {Schedule.FitsWorkingTime} AS fits),
        booked AS (
            INSERT INTO appointments (practice_id, id, patient_id, clinician_id, starts_at, ends_at, reason)
            SELECT current_tenant(), @id, @patientId, @clinicianId, @startsAt, @endsAt, @reason FROM parties
            WHERE patient_active AND clinician_active AND fits
            RETURNING {Appointment.Columns}),
        recorded AS ({EventStore.StagedIf("booked")})
        SELECT p.patient_active, p.clinician_active, p.fits, b.* FROM parties p LEFT JOIN booked b ON true
        """;

    public static Statement Statement(Guid id, Request r, Actor actor)
    {
        var parameters = new DynamicParameters(new { id, patientId = r.PatientId, clinicianId = r.ClinicianId, startsAt = r.StartsAt!.Value, endsAt = r.EndsAt!.Value, reason = r.Reason });
        EventStore.AddParameters(parameters, actor, new NewEvent($"appointment/{id}", "appointment.scheduled",
            new { r.PatientId, r.ClinicianId, r.StartsAt, r.EndsAt, r.Reason }, 1));
        return new Statement(Book, parameters);
    }

    /// <summary>The statement's one row: what it found, and the booking when it made one.</summary>
    public static async Task<(Outcome Outcome, Appointment? Booked)> ReadAsync(DbDataReader row)
    {
        if (!await row.ReadAsync()) throw new InvalidOperationException("The booking statement returned no row.");
        var outcome = row.GetRowParser<Outcome>(startIndex: 0, length: 3)(row);
        return (outcome, row.IsDBNull(3) ? null : row.GetRowParser<Appointment>(startIndex: 3)(row));
    }
}
