using Dapper;
using Npgsql;
using Slices.Api.Tests.Infrastructure;

namespace Slices.Api.Tests.Features.Appointments;

/// <summary>
/// The database itself keeps an appointment to a patient and a clinician of its own practice: whoever writes the row,
/// not only the booking endpoint, which checks both first.
/// </summary>
public sealed class AppointmentPartiesTests(SlicesApp app) : IClassFixture<SlicesApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_appointment_naming_a_patient_or_clinician_its_practice_does_not_have_is_refused_even_to_the_owner()
    {
        var clinic = await Clinic.OpenAsync(app);
        var other = await Clinic.OpenAsync(app);
        await using var owner = new NpgsqlConnection(TestStack.OwnerConnectionString(app.Database));
        await owner.OpenAsync(Ct);
        // For the whole session, not one transaction: each statement below is its own.
        await owner.ExecuteAsync("SELECT set_config('app.tenant_id', @p, false)", new { p = clinic.Practice.PracticeId.ToString() });
        const string insert = """
            INSERT INTO appointments (practice_id, id, patient_id, clinician_id, starts_at, ends_at)
            VALUES (current_tenant(), gen_random_uuid(), @patient, @clinician, @startsAt, @startsAt + interval '30 minutes')
            """;

        var otherPatient = await Assert.ThrowsAsync<PostgresException>(() => owner.ExecuteAsync(
            insert, new { patient = other.PatientId, clinician = clinic.ClinicianId, startsAt = Clinic.Slot(9) }));
        Assert.Equal(PostgresErrorCodes.ForeignKeyViolation, otherPatient.SqlState);
        var noClinician = await Assert.ThrowsAsync<PostgresException>(() => owner.ExecuteAsync(
            insert, new { patient = clinic.PatientId, clinician = Guid.NewGuid(), startsAt = Clinic.Slot(9) }));
        Assert.Equal(PostgresErrorCodes.ForeignKeyViolation, noClinician.SqlState);

        Assert.Equal(1, await owner.ExecuteAsync(insert, new { patient = clinic.PatientId, clinician = clinic.ClinicianId, startsAt = Clinic.Slot(9) }));
        var moved = await Assert.ThrowsAsync<PostgresException>(() => owner.ExecuteAsync(
            "UPDATE appointments SET patient_id = @patient", new { patient = other.PatientId }));
        Assert.Equal(PostgresErrorCodes.ForeignKeyViolation, moved.SqlState);
    }
}
