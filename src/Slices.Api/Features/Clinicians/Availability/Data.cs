using Dapper;
using Npgsql;

namespace Slices.Api.Features.Clinicians.Availability;

public static class Data
{
    private const string TimeZone = "SELECT time_zone FROM clinicians WHERE id = @id AND active";

    // Booked appointments, time off, and busy times pulled from the clinician's own calendar, overlapping the window.
    private const string Busy = """
        SELECT starts_at, ends_at FROM appointments
        WHERE clinician_id = @id AND status <> 'cancelled' AND period && tstzrange(@from, @to, '[)')
        UNION ALL
        SELECT lower(period), upper(period) FROM clinician_time_off
        WHERE clinician_id = @id AND period && tstzrange(@from, @to, '[)')
        UNION ALL
        SELECT lower(period), upper(period) FROM calendar_busy
        WHERE clinician_id = @id AND period && tstzrange(@from, @to, '[)')
        ORDER BY 1
        """;

    public static Task<string?> TimeZoneAsync(NpgsqlConnection c, NpgsqlTransaction tx, Guid id, CancellationToken ct) =>
        c.QuerySingleOrDefaultAsync<string?>(new CommandDefinition(TimeZone, new { id }, tx, cancellationToken: ct));

    public static async Task<IReadOnlyList<Busy>> BusyAsync(NpgsqlConnection c, NpgsqlTransaction tx, Guid id, DateTimeOffset from, DateTimeOffset to, CancellationToken ct) =>
        [.. await c.QueryAsync<Busy>(new CommandDefinition(Busy, new { id, from, to }, tx, cancellationToken: ct))];
}
