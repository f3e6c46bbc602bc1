using Dapper;
using Npgsql;

namespace Slices.Api.Features.Clinicians.Create;

public static class Data
{
    private const string Insert = $"""
        INSERT INTO clinicians (practice_id, id, name, specialty, time_zone, user_id)
        VALUES (current_tenant(), @id, @Name, @Specialty, @TimeZone, @UserId)
        RETURNING {Clinician.Columns}
        """;

    private const string IsClinicianUser = "SELECT EXISTS (SELECT FROM users WHERE id = @userId AND role = 'clinician' AND disabled_at IS NULL)";

    public static Task<ClinicianRow> InsertAsync(NpgsqlConnection c, NpgsqlTransaction tx, Guid id, Request r, CancellationToken ct) =>
        c.QuerySingleAsync<ClinicianRow>(new CommandDefinition(Insert, new { id, r.Name, r.Specialty, r.TimeZone, r.UserId }, tx, cancellationToken: ct));

    public static Task<bool> IsClinicianUserAsync(NpgsqlConnection c, NpgsqlTransaction tx, Guid userId, CancellationToken ct) =>
        c.ExecuteScalarAsync<bool>(new CommandDefinition(IsClinicianUser, new { userId }, tx, cancellationToken: ct));
}
