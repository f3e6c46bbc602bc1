using Dapper;
using Npgsql;

namespace Slices.Api.Features.Clinicians.Update;

public static class Data
{
    private const string Lock = $"SELECT {Clinician.Columns} FROM clinicians WHERE id = @id FOR UPDATE";

    private const string Save = $"""
        UPDATE clinicians SET name = @Name, specialty = @Specialty, time_zone = @TimeZone, active = @Active, version = version + 1, updated_at = now()
        WHERE id = @Id
        RETURNING {Clinician.Columns}
        """;

    public static Task<ClinicianRow?> LockAsync(NpgsqlConnection c, NpgsqlTransaction tx, Guid id, CancellationToken ct) =>
        c.QuerySingleOrDefaultAsync<ClinicianRow>(new CommandDefinition(Lock, new { id }, tx, cancellationToken: ct));

    public static Task<ClinicianRow> SaveAsync(NpgsqlConnection c, NpgsqlTransaction tx, ClinicianRow row, CancellationToken ct) =>
        c.QuerySingleAsync<ClinicianRow>(new CommandDefinition(Save, row, tx, cancellationToken: ct));
}
