using Dapper;
using Npgsql;

namespace Slices.Api.Features.Patients.Get;

public static class Data
{
    internal const string Read = $"SELECT {Patient.Columns} FROM patients WHERE id = @id";

    public static Task<Patient?> ReadAsync(NpgsqlConnection c, NpgsqlTransaction tx, Guid id, CancellationToken ct) =>
        c.QuerySingleOrDefaultAsync<Patient>(new CommandDefinition(Read, new { id }, tx, cancellationToken: ct));
}
