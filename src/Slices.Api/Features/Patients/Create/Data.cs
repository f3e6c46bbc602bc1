using Dapper;
using Npgsql;

namespace Slices.Api.Features.Patients.Create;

public static class Data
{
    private const string Insert = $"""
        INSERT INTO patients (practice_id, id, mrn, given_name, family_name, date_of_birth, sex, phone, email)
        VALUES (current_tenant(), @id, @Mrn, @GivenName, @FamilyName, @DateOfBirth, @Sex, @Phone, @Email)
        RETURNING {Patient.Columns}
        """;

    public static Task<Patient> InsertAsync(NpgsqlConnection c, NpgsqlTransaction tx, Guid id, Request r, CancellationToken ct) =>
        c.QuerySingleAsync<Patient>(new CommandDefinition(Insert, new { id, r.Mrn, r.GivenName, r.FamilyName, DateOfBirth = r.DateOfBirth!.Value, r.Sex, r.Phone, r.Email }, tx, cancellationToken: ct));
}
