using Dapper;
using Npgsql;

namespace Slices.Api.Features.Clinicians.Get;

public static class Data
{
    private const string Read = $"SELECT {Clinician.Columns} FROM clinicians WHERE id = @id";

    public static Task<ClinicianRow?> ReadAsync(NpgsqlConnection c, NpgsqlTransaction tx, Guid id, CancellationToken ct) =>
        c.QuerySingleOrDefaultAsync<ClinicianRow>(new CommandDefinition(Read, new { id }, tx, cancellationToken: ct));
}
