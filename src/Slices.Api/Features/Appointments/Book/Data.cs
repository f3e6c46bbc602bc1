using Dapper;
using Npgsql;

namespace Slices.Api.Features.Appointments.Book;

public static class Data
{
    private const string Parties = """
        SELECT (SELECT archived_at IS NULL FROM patients WHERE id = @patientId) AS patient_active,
               (SELECT active FROM clinicians WHERE id = @clinicianId) AS clinician_active
        """;

    private const string Insert = $"""
        INSERT INTO appointments (practice_id, id, patient_id, clinician_id, starts_at, ends_at, reason)
        VALUES (current_tenant(), @id, @PatientId, @ClinicianId, @startsAt, @endsAt, @Reason)
        RETURNING {Appointment.Columns}
        """;

    /// <returns>For each party: null when it does not exist in the practice, else whether it can be booked.</returns>
    public static Task<(bool? PatientActive, bool? ClinicianActive)> PartiesAsync(NpgsqlConnection c, NpgsqlTransaction tx, Request r, CancellationToken ct) =>
        c.QuerySingleAsync<(bool?, bool?)>(new CommandDefinition(Parties, new { r.PatientId, r.ClinicianId }, tx, cancellationToken: ct));

    public static Task<Appointment> InsertAsync(NpgsqlConnection c, NpgsqlTransaction tx, Guid id, Request r, CancellationToken ct) =>
        c.QuerySingleAsync<Appointment>(new CommandDefinition(Insert, new { id, r.PatientId, r.ClinicianId, startsAt = r.StartsAt!.Value, endsAt = r.EndsAt!.Value, r.Reason }, tx, cancellationToken: ct));
}
