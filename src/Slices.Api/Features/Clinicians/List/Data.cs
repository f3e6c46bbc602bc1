using Dapper;
using Npgsql;

namespace Slices.Api.Features.Clinicians.List;

public static class Data
{
    private const string All = $"SELECT {Clinician.Columns} FROM clinicians WHERE (@includeInactive OR active) ORDER BY name, id";

    public static async Task<IReadOnlyList<ClinicianRow>> AllAsync(NpgsqlConnection c, NpgsqlTransaction tx, bool includeInactive, CancellationToken ct) =>
        [.. await c.QueryAsync<ClinicianRow>(new CommandDefinition(All, new { includeInactive }, tx, cancellationToken: ct))];
}
