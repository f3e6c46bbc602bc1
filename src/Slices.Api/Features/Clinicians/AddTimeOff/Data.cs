using Dapper;
using Npgsql;

namespace Slices.Api.Features.Clinicians.AddTimeOff;

public static class Data
{
    private const string Exists = "SELECT EXISTS (SELECT FROM clinicians WHERE id = @id)";

    private const string Insert = """
        INSERT INTO clinician_time_off (practice_id, id, clinician_id, period, reason)
        VALUES (current_tenant(), @timeOffId, @clinicianId, tstzrange(@startsAt, @endsAt, '[)'), @reason)
        """;

    public static Task<bool> ClinicianExistsAsync(NpgsqlConnection c, NpgsqlTransaction tx, Guid id, CancellationToken ct) =>
        c.ExecuteScalarAsync<bool>(new CommandDefinition(Exists, new { id }, tx, cancellationToken: ct));

    public static Task InsertAsync(NpgsqlConnection c, NpgsqlTransaction tx, Guid timeOffId, Request r, CancellationToken ct) =>
        c.ExecuteAsync(new CommandDefinition(Insert, new { timeOffId, clinicianId = r.Id, startsAt = r.StartsAt!.Value, endsAt = r.EndsAt!.Value, reason = r.Reason }, tx, cancellationToken: ct));
}
