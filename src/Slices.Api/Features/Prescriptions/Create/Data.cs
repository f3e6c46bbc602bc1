using Dapper;
using Npgsql;

namespace Slices.Api.Features.Prescriptions.Create;

public static class Data
{
    private const string PatientActive = "SELECT archived_at IS NULL FROM patients WHERE id = @patientId";

    private const string Insert = $"""
        INSERT INTO prescriptions (practice_id, id, patient_id, prescriber_id, medication_name, medication_code, dose, route, frequency, quantity, quantity_unit, refills, instructions)
        VALUES (current_tenant(), @id, @PatientId, @prescriberId, @MedicationName, @MedicationCode, @Dose, @Route, @Frequency, @Quantity, @QuantityUnit, @Refills, @Instructions)
        RETURNING {Prescription.Columns}
        """;

    public static Task<bool?> PatientActiveAsync(NpgsqlConnection c, NpgsqlTransaction tx, Guid patientId, CancellationToken ct) =>
        c.QuerySingleOrDefaultAsync<bool?>(new CommandDefinition(PatientActive, new { patientId }, tx, cancellationToken: ct));

    public static Task<Prescription> InsertAsync(NpgsqlConnection c, NpgsqlTransaction tx, Guid id, Guid prescriberId, Request r, CancellationToken ct) =>
        c.QuerySingleAsync<Prescription>(new CommandDefinition(Insert, new
        {
            id, prescriberId, r.PatientId, r.MedicationName, r.MedicationCode, r.Dose, r.Route, r.Frequency, r.Quantity, r.QuantityUnit, Refills = r.Refills ?? 0, r.Instructions,
        }, tx, cancellationToken: ct));
}
