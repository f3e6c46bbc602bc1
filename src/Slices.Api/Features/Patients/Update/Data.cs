using Dapper;
using Npgsql;

namespace Slices.Api.Features.Patients.Update;

public static class Data
{
    private const string Lock = $"SELECT {Patient.Columns} FROM patients WHERE id = @id FOR UPDATE";

    private const string Save = $"""
        UPDATE patients
        SET mrn = @Mrn, given_name = @GivenName, family_name = @FamilyName, date_of_birth = @DateOfBirth,
            sex = @Sex, phone = @Phone, email = @Email, version = version + 1, updated_at = now()
        WHERE id = @Id
        RETURNING {Patient.Columns}
        """;

    public static Task<Patient?> LockAsync(NpgsqlConnection c, NpgsqlTransaction tx, Guid id, CancellationToken ct) =>
        c.QuerySingleOrDefaultAsync<Patient>(new CommandDefinition(Lock, new { id }, tx, cancellationToken: ct));

    public static Task<Patient> SaveAsync(NpgsqlConnection c, NpgsqlTransaction tx, Patient p, CancellationToken ct) =>
        c.QuerySingleAsync<Patient>(new CommandDefinition(Save, p, tx, cancellationToken: ct));
}
