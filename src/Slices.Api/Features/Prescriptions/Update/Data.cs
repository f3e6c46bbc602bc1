using Dapper;
using Npgsql;

namespace Slices.Api.Features.Prescriptions.Update;

public static class Data
{
    private const string Lock = $"SELECT {Prescription.Columns} FROM prescriptions WHERE id = @id FOR UPDATE";

    private const string Save = $"""
        UPDATE prescriptions
        SET medication_name = @MedicationName, medication_code = @MedicationCode, dose = @Dose, route = @Route, frequency = @Frequency,
            quantity = @Quantity, quantity_unit = @QuantityUnit, refills = @Refills, instructions = @Instructions, version = version + 1, updated_at = now()
        WHERE id = @Id
        RETURNING {Prescription.Columns}
        """;

    public static Task<Prescription?> LockAsync(NpgsqlConnection c, NpgsqlTransaction tx, Guid id, CancellationToken ct) =>
        c.QuerySingleOrDefaultAsync<Prescription>(new CommandDefinition(Lock, new { id }, tx, cancellationToken: ct));

    public static Task<Prescription> SaveAsync(NpgsqlConnection c, NpgsqlTransaction tx, Prescription p, CancellationToken ct) =>
        c.QuerySingleAsync<Prescription>(new CommandDefinition(Save, p, tx, cancellationToken: ct));
}
